"""Files that did not come by mail (issue 16): a person attaches an upload to their reply, which goes
out as multipart/mixed with the file (read back from a real SMTP sink); a customer attaches one to
their portal message.  Both are listed on the case page and, for the customer, in the portal, and
downloaded as attachments with nosniff, scoped by organization, uploader and customer.  Bad input
gets a stable code and changes nothing."""
import base64
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from lib import Client, Server, check, eq, run_module  # noqa: E402
from test_email import Sink, deliver, mail_count, mailgate, msg, setup  # noqa: E402
from test_email_attachments import download  # noqa: E402

PDF = b"%PDF-1.4\n\x00\x01\x02quote\xff\xfe\n%%EOF\n"
PHOTO = b"\x89PNG\r\n\x1a\n\x00\x00broken screen"


def upload(client, name, data, ctype=None, path="/api/v1/attachments"):
    body = {"filename": name, "data_base64": base64.b64encode(data).decode()}
    if ctype:
        body["content_type"] = ctype
    return client.post(path, body)


def email_case(s):
    """A case opened by Sam's mail (so it has his address), as (admin, pat, case_id)."""
    admin, pat = setup(s)
    rc, out, err = mailgate(s, msg())
    eq(rc, 0, "taken: " + err)
    return admin, pat, out["case_id"]


def portal_of(s, staff, case_id):
    cust = staff.ok("GET", "/api/v1/cases/" + case_id)["customer"]["id"]
    link = staff.ok("POST", "/api/v1/customers/%s/portal-link" % cust, {})
    sess = Client(s).post("/api/v1/portal/redeem", {"token": link["token"]})
    eq(sess.status, 200, "signed in to the portal")
    return Client(s, token=sess.json["token"])


def test_a_reply_goes_out_as_multipart_with_the_file():
    with Server(demo=True, test_clock=False) as s, Sink() as sink:
        admin, pat, case_id = email_case(s)
        r = upload(pat, "Quote März.pdf", PDF, "application/pdf")
        eq(r.status, 201, "uploaded: %r" % (r.json,))
        s.check_contract("POST", "/api/v1/attachments", r)
        att = r.json
        eq((att["size"], att["case_id"]), (len(PDF), None), "kept, on no case yet")
        status, _, _ = download(admin, "/api/v1/attachments/" + att["id"])
        eq(status, 404, "an upload not attached yet is its uploader's alone")
        r = pat.post("/api/v1/cases/%s/replies" % case_id, {"body": "Here is the quote.", "attachment_ids": [att["id"]]})
        eq(r.status, 201, "replied: %r" % (r.json,))
        s.check_contract("POST", "/api/v1/cases/{id}/replies", r)
        eq([a["filename"] for a in r.json["attachments"]], ["Quote März.pdf"], "the reply names its file")
        reply_id = r.json["id"].lower()
        eq(deliver(s, sink.url).returncode, 0, "delivered")
        sent = [m for _, rcpts, m in sink.messages if "sam.carter@example.com" in rcpts and reply_id in m["Message-ID"]]
        eq(len(sent), 1, "one reply arrived")
        m = sent[0]
        eq(m.get_content_type(), "multipart/mixed", "a multipart message")
        parts = list(m.iter_parts())
        eq(parts[0].get_content_type(), "text/plain", "the text first")
        check("Here is the quote." in parts[0].get_content(), "the reply's words")
        files = list(m.iter_attachments())
        eq(len(files), 1, "one file")
        eq((files[0].get_filename(), files[0].get_content_type()), ("Quote März.pdf", "application/pdf"), "named and typed")
        eq(files[0].get_content(), PDF, "the bytes, as uploaded")
        eq(files[0].get_content_disposition(), "attachment", "an attachment")

        view = pat.ok("GET", "/api/v1/cases/" + case_id)
        listed = [a for a in view["attachments"] if a["source"] == "reply"]
        eq([(a["id"], a["download"], a["customer_visible"]) for a in listed],
           [(att["id"], "/api/v1/attachments/" + att["id"], True)], "listed on the case page")
        status, headers, body = download(admin, listed[0]["download"])
        eq((status, body), (200, PDF), "whoever reads the case downloads it")
        eq(headers.get("Content-Type"), "application/octet-stream", "never a type a browser renders")
        eq(headers.get("X-Content-Type-Options"), "nosniff", "no sniffing")
        check(headers.get("Content-Disposition", "").startswith("attachment;"), "never inline")
        r = pat.post("/api/v1/cases/%s/replies" % case_id, {"body": "Again.", "attachment_ids": [att["id"]]})
        eq((r.status, r.json["error"]["code"]), (409, "attachment_in_use"), "a file is attached once")
        eq(pat.request("DELETE", "/api/v1/attachments/" + att["id"]).status, 404, "a sent file stays with its message")
        check(any(e["kind"] == "attachment.attached" for e in view["history"]), "the history says so")


def test_bad_uploads_and_bad_attachment_lists_change_nothing():
    with Server(demo=True, test_clock=False) as s:
        admin, pat, case_id = email_case(s)
        admin.ok("PATCH", "/api/v1/org/settings", {"settings": {"attachments.max_bytes": 16, "attachments.max_count": 2}})
        before = (mail_count(s, "attachments"), mail_count(s, "mail_out"), mail_count(s, "touchpoints"))
        for name, data, b64, want in [
                ("big.bin", b"x" * 17, None, (413, "attachment_too_large")),
                ("empty.txt", b"", None, (400, "attachment_empty")),
                ("../etc/passwd", b"x", None, (400, "invalid_filename")),
                ("a\r\nX-Evil: 1", b"x", None, (400, "invalid_filename")),
                ("ok.txt", None, "not base64!", (400, "invalid_base64"))]:
            r = pat.post("/api/v1/attachments", {"filename": name, "data_base64": b64 or base64.b64encode(data).decode()})
            eq((r.status, r.json["error"]["code"]), want, "refused: " + name)
        r = upload(pat, "ok.txt", b"x", "not a type")
        eq((r.status, r.json["error"]["code"]), (400, "invalid_content_type"), "a media type or nothing")
        eq((mail_count(s, "attachments"), mail_count(s, "mail_out"), mail_count(s, "touchpoints")), before,
           "nothing kept")
        ids = [upload(pat, "f%d.txt" % i, b"file %d" % i).json["id"] for i in range(2)]
        r = upload(pat, "third.txt", b"3")
        eq((r.status, r.json["error"]["code"]), (409, "too_many_uploads"), "at most attachments.max_count held")
        r = admin.request("DELETE", "/api/v1/attachments/" + ids[1])
        eq((r.status, r.json["error"]["code"]), (404, "attachment_not_found"), "only its uploader takes it back")
        r = pat.request("DELETE", "/api/v1/attachments/" + ids[1])
        eq(r.status, 200, "taken back")
        s.check_contract("DELETE", "/api/v1/attachments/{id}", r)
        ids[1] = upload(pat, "third.txt", b"3").json["id"]
        theirs = upload(admin, "admin.txt", b"mine").json["id"]
        for body, want in [
                ({"attachment_ids": ids + [theirs]}, (400, "too_many_attachments")),
                ({"attachment_ids": [ids[0], ids[0]]}, (400, "duplicate_attachment")),
                ({"attachment_ids": [theirs]}, (404, "attachment_not_found")),
                ({"attachment_ids": ["att_nope"]}, (404, "attachment_not_found"))]:
            body["body"] = "with files"
            r = pat.post("/api/v1/cases/%s/replies" % case_id, body)
            eq((r.status, r.json["error"]["code"]), want, "refused: %r" % (body,))
        eq((mail_count(s, "mail_out"), mail_count(s, "touchpoints")), before[1:], "no reply, no contact")
        view = pat.ok("GET", "/api/v1/cases/" + case_id)
        eq([a for a in view["attachments"] if a["source"] != "mail"], [], "nothing attached")


def test_the_portal_lists_and_downloads_only_the_customers_files():
    with Server(demo=True, test_clock=False) as s, Sink():
        admin, pat, case_id = email_case(s)
        sam = portal_of(s, pat, case_id)
        r = upload(sam, "screen.png", PHOTO, "image/png", path="/api/v1/portal/attachments")
        eq(r.status, 201, "the customer uploads: %r" % (r.json,))
        s.check_contract("POST", "/api/v1/portal/attachments", r)
        photo = r.json["id"]
        wrong = upload(sam, "wrong.txt", b"not this one", path="/api/v1/portal/attachments").json["id"]
        eq(download(sam, "/api/v1/portal/attachments/" + wrong)[2], b"not this one", "the uploader sees an upload")
        r = sam.request("DELETE", "/api/v1/portal/attachments/" + wrong)
        eq(r.status, 200, "and takes it back")
        s.check_contract("DELETE", "/api/v1/portal/attachments/{id}", r)
        eq(download(sam, "/api/v1/portal/attachments/" + wrong)[0], 404, "gone")
        eq(download(pat, "/api/v1/attachments/" + photo)[0], 404, "staff see it once it is on the case")
        r = sam.post("/api/v1/portal/cases/%s/replies" % case_id, {"body": "Photo attached.", "attachment_ids": [photo]})
        eq(r.status, 201, "the message with its file: %r" % (r.json,))
        s.check_contract("POST", "/api/v1/portal/cases/{id}/replies", r)
        quote = upload(pat, "quote.pdf", PDF, "application/pdf").json["id"]
        pat.ok("POST", "/api/v1/cases/%s/replies" % case_id, {"body": "Quote attached.", "attachment_ids": [quote]},
               status=201)
        cases = sam.get("/api/v1/portal/cases")
        s.check_contract("GET", "/api/v1/portal/cases", cases)
        mine = [c for c in cases.json["items"] if c["id"] == case_id][0]
        eq(sorted((a["filename"], a["from"]) for a in mine["attachments"]), [("quote.pdf", "us"), ("screen.png", "you")],
           "the customer's file and ours")
        status, headers, body = download(sam, "/api/v1/portal/attachments/" + quote)
        eq((status, body), (200, PDF), "the customer downloads ours")
        eq((headers.get("X-Content-Type-Options"), headers.get("Content-Type")), ("nosniff", "application/octet-stream"),
           "as a file")
        view = pat.ok("GET", "/api/v1/cases/" + case_id)
        eq([(a["filename"], a["source"]) for a in view["attachments"]], [("screen.png", "portal"), ("quote.pdf", "reply")],
           "the case page lists both")
        eq(download(pat, "/api/v1/attachments/" + photo)[1:][1], PHOTO, "staff download the customer's")
        # another customer sees none of it
        other = pat.ok("POST", "/api/v1/customers", {"name": "Ada Quinn", "email": "ada@example.org"}, status=201)
        link = pat.ok("POST", "/api/v1/customers/%s/portal-link" % other["id"], {})
        ada = Client(s, token=Client(s).post("/api/v1/portal/redeem", {"token": link["token"]}).json["token"])
        for a in (photo, quote):
            eq(download(ada, "/api/v1/portal/attachments/" + a)[0], 404, "another customer's file is unknown")
        r = ada.post("/api/v1/portal/cases/%s/replies" % case_id, {"body": "x", "attachment_ids": [photo]})
        eq(r.status, 404, "nor can she write on the case")
        eq(download(sam, "/api/v1/attachments/" + photo)[0], 401, "a portal session is not a staff one")
        # another organization: the same 404 as an unknown id
        nw = s.login("admin@northwind.example", "northwind")
        for a in (photo, quote):
            eq(download(nw, "/api/v1/attachments/" + a)[0], 404, "another organization's file is unknown")
        mine = upload(nw, "nw.txt", b"northwind").json["id"]
        eq(download(pat, "/api/v1/attachments/" + mine)[0], 404, "and theirs is unknown here")
        r = pat.post("/api/v1/cases/%s/replies" % case_id, {"body": "x", "attachment_ids": [mine]})
        eq((r.status, r.json["error"]["code"]), (404, "attachment_not_found"), "nor can it be attached here")


if __name__ == "__main__":
    run_module(globals())
