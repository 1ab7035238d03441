"""Attachments of received mail (issue 16): kept content-addressed, listed with the original, and
downloaded as they came — Content-Disposition: attachment with a safe file name, nosniff, never
shown inline, even when the sender calls it HTML."""
import base64
import os
import sys
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from lib import Server, check, eq, run_module  # noqa: E402
from test_email import Sink, mailgate, setup  # noqa: E402

PDF = b"%PDF-1.4\n\x00\x01\x02binary\xff\xfe\n%%EOF\n"
HTML = b"<html><script>alert(document.cookie)</script></html>"


def with_attachments():
    return ("From: Sam Carter <sam.carter@example.com>\nTo: sales@vendor-co.example\nSubject: Receipt attached\n"
            "Message-ID: <att-1@example.com>\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=B\n\n"
            "--B\nContent-Type: text/plain\n\nHere is my receipt.\n"
            "--B\nContent-Type: application/pdf\nContent-Disposition: attachment; filename*=UTF-8''Re%%C3%%A7u%%20%%22mars%%22.pdf\n"
            "Content-Transfer-Encoding: base64\n\n%s\n"
            "--B\nContent-Type: text/html\nContent-Disposition: attachment; filename=\"../../etc/passwd\\r\\nX-Evil: 1.html\"\n"
            "Content-Transfer-Encoding: base64\n\n%s\n--B--\n"
            % (base64.b64encode(PDF).decode(), base64.b64encode(HTML).decode()))


def download(client, path):
    """(status, headers, bytes): the lib's client reads bodies as text."""
    h = {"Authorization": "Bearer " + client.token} if client.token else {"Cookie": "fl_session=" + client.cookie}
    req = urllib.request.Request(client.server.url + path, headers=h)
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def test_attachments_are_downloaded_as_they_came_never_inline():
    with Server(demo=True, test_clock=False) as s, Sink():
        admin, pat = setup(s)
        rc, out, err = mailgate(s, with_attachments())
        eq(rc, 0, "taken: " + err)
        view = pat.ok("GET", "/api/v1/cases/" + out["case_id"])
        inbound = [m for m in view["mail"] if m["direction"] == "inbound"][0]
        orig = pat.ok("GET", "/api/v1/mail/%s/original" % inbound["id"])
        atts = orig["attachments"]
        eq(len(atts), 2, "both listed with the original")
        pdf = [a for a in atts if a["content_type"] == "application/pdf"][0]
        eq(pdf["filename"], "Reçu \"mars\".pdf", "the RFC 2231 name, decoded")
        status, headers, body = download(pat, "/api/v1/mail/attachments/" + pdf["id"])
        eq(status, 200, "downloaded")
        eq(body, PDF, "the bytes as they came, NULs and all")
        eq(headers.get("Content-Type"), "application/octet-stream", "never a type a browser renders")
        eq(headers.get("X-Content-Type-Options"), "nosniff", "no sniffing")
        cd = headers.get("Content-Disposition")
        check(cd.startswith("attachment;"), "an attachment, never inline: %r" % cd)
        check("filename=\"Re__u__mars_.pdf\"" in cd, "a safe plain name: %r" % cd)
        eq(urllib.parse.unquote(cd.split("filename*=UTF-8''")[1]), "Reçu \"mars\".pdf", "the whole name, encoded")
        html = [a for a in atts if a["content_type"] == "text/html"][0]
        status, headers, body = download(pat, "/api/v1/mail/attachments/" + html["id"])
        eq((body, headers.get("Content-Type")), (HTML, "application/octet-stream"), "HTML is a file, not a page")
        cd = headers.get("Content-Disposition")
        check("\r" not in cd and "\n" not in cd and "/" not in cd.split("filename*=")[0], "no header or path tricks: %r" % cd)
        r = pat.get("/api/v1/mail/attachments/matt_nonexistent")
        eq((r.status, r.json["error"]["code"]), (404, "attachment_not_found"), "unknown: 404")
        pat.get("/api/v1/mail/attachments/" + pdf["id"])  # the API document knows the route


if __name__ == "__main__":
    run_module(globals())
