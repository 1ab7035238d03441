// The message catalogue: the UI's words, keyed by name, in one place ready for translation.
// t('key', a, b) fills {0}, {1}; a key the catalogue lacks shows as itself (and is easy to find).
// A translation is another object with the same keys, chosen by useCatalogue(other).
export const EN = {
  yes: 'yes', no: 'no',
  // shell
  'app.name': 'Frontline', 'nav.myday': 'My day', 'nav.cases': 'Cases', 'nav.find': 'Find', 'nav.exceptions': 'Exceptions',
  'nav.leadership': 'Leadership', 'nav.directory': 'Directory', 'nav.admin': 'Admin', 'nav.main': 'Main', 'nav.menu': 'Menu',
  'nav.newcase': 'New case', 'nav.alerts': 'Alerts', 'nav.account': 'Account', 'nav.signout': 'Sign out', 'nav.skip': 'Skip to content',
  'nav.mynotifications': 'My notifications', 'alerts.unread': ' unread', 'alerts.none': 'none unread',
  'search.label': 'Find customers and cases', 'search.placeholder': 'Search: #number, words, name, email, phone', 'search.go': 'Find',
  'page.notfound': 'Page not found', 'page.notfound.text': 'There is no page at this address. ', 'page.notfound.home': 'Go to My day',
  'page.unreachable': 'Frontline is not reachable', 'page.failed': 'Could not show this page', 'signing.in': 'Signing in',
  'title.suffix': ' — Frontline', 'title.signin': 'Sign in',
  // common
  loading: 'Loading', 'loading.ellipsis': '{0}…', 'error.generic': 'Something went wrong', 'error.load': 'Could not load {0}',
  'nothing.here': 'Nothing here.', 'nothing.waiting': 'Nothing waiting.', table: 'table', 'csv.download': 'Download CSV',
  'copy': 'Copy', 'copy.done': 'Copied', 'copy.failed': 'Copy failed', 'copy.aria': 'Copy to clipboard', 'copy.said': 'Copied to the clipboard',
  'copy.said.failed': 'Could not copy; select the text instead', saved: 'Saved.', saving: 'Saving…', 'not.saved': 'Not saved',
  'form.check': 'Please check the form', 'form.required': '{0} is required', 'form.choose': 'Choose…',
  // times
  'zone.time': '{0} time', 'time.unknown': 'an unknown time', 'dur.min': '{0} min', 'dur.h': '{0} h', 'dur.days': '{0} days',
  'rel.in': 'in {0}', 'rel.ago': '{0} ago', 'times.in': 'Times are in {0}.', 'times.change': 'Change',
  // input limits (the server counts bytes of UTF-8)
  'limit.count': '{0} of {1} bytes', 'limit.over': '{0} bytes too long: shorten it before sending', 'limit.hint': 'Letters such as é or emoji count as 2 to 4 bytes.',
  // live pages
  'live.changed': 'Someone else just changed this case. ', 'live.show': 'Show the changes', 'live.typing': ' (what you are typing here would be cleared).',
  'live.updated': 'Updated: someone else changed this case.', 'notice.dismiss': 'Dismiss',
  // case
  'case.actions': 'Act on this case', 'case.actions.jump': 'Actions', 'case.timeline': 'Timeline (all channels)', 'case.words': 'Suggested words',
  'case.words.intro': 'Honest words built from what the case shows. Copy them or say them in your own way.',
  'case.words.zone': 'Times in these words are in {0}, where the case was taken in ({1}), as the customer reads them.',
  'case.words.zone.utc': 'Times in these words are in UTC: the case has no intake location.',
  'case.words.none': 'Nothing to suggest right now.', 'case.words.copy': 'Copy these words', 'history.none': 'No history yet.',
  'by': ' by {0}', 'someone': 'someone', 'system': 'Frontline',
  // timeline sentences, per event kind ({0} = data fields resolved to words)
  'ev.case.opened': 'Case opened', 'ev.touchpoint.added': 'Contact', 'ev.note.added': 'Note', 'ev.case.offered': 'Offered to {to}',
  'ev.case.accepted': 'Offer accepted', 'ev.case.declined': 'Offer declined', 'ev.case.withdrawn': 'Offer withdrawn', 'ev.case.assigned': 'Assigned to {to}',
  'ev.case.resolved': 'Resolved', 'ev.case.reopened': 'Reopened', 'ev.promise.made': 'Promise made: “{what}”, due {due_at}',
  'ev.promise.kept': 'Promise kept', 'ev.promise.broken': 'Promise broken', 'ev.promise.renegotiated': 'Promise renegotiated with the customer\'s consent',
  'ev.promise.at_risk': 'Promise at risk', 'ev.request.created': 'Asked for: “{what}”', 'ev.request.accepted': 'Request accepted',
  'ev.request.completed': 'Request done', 'ev.request.declined': 'Request declined', 'ev.request.deferred': 'Request deferred to {due_at}',
  'ev.request.overdue': 'Request overdue', 'ev.request.escalated': 'Request escalated', 'ev.request.cancelled': 'Request called off',
  'ev.exception.proposed': 'Exception proposed', 'ev.exception.cosigned': 'Exception co-signed', 'ev.exception.approved': 'Exception approved',
  'ev.exception.expired': 'Exception expired', 'ev.exception.withdrawn': 'Exception withdrawn', 'ev.exception.reviewed': 'Exception reviewed',
  'ev.update.lapsed': 'Update to the customer lapsed', 'ev.mail.sent': 'Email sent', 'ev.mail.received': 'Email received',
  'code.team': 'the {0} team', 'ev.signed': '{0} co-signed ({1} of {2})', 'ev.cosigned': 'Co-signed the exception ({0} of {1} needed)', 'ev.amount': 'Amount {0}', 'ev.policy': 'policy “{0}”', 'ev.reason': 'Reason: {0}',
  'ev.from.customer': 'from customer', 'ev.to.customer': 'to customer', 'ev.internal': 'internal', 'ev.visible': 'customer can see', 'ev.staff': 'staff summary',
  // codes from the API, as words (anything else: its words, capitalised)
  'code.request_overdue': 'A request it depended on was late', 'code.request_deferred': 'A request was deferred past the promise',
  'code.request_declined': 'A request was declined', 'code.policy_conflict': 'Two policies conflicted', 'code.no_request': 'Nobody was asked to deliver it',
  'code.lapsed_updates': 'The customer was not kept updated', 'code.leader': 'Leader', 'code.supervisor': 'Supervisor',
  'code.frontline': 'Frontline', 'code.support': 'Support', 'code.in_person': 'In person', 'code.at_risk': 'At risk', 'code.one_off': 'One-off',
  'code.system_tools': 'System and tools', 'code.coordination_handoff': 'Coordination and handoff', 'code.resources_staffing': 'Resources and staffing',
  'code.cumulative_percent': 'Cumulative %', 'code.kept_percent': 'Kept %', 'code.estimated_percent': 'Estimated %', 'code.likely_percent': 'Likely %',
  'code.made_at_80_percent': 'Made at the 80% time', 'code.still_open': 'Still open',
  // page sections
  'cust.email': 'Email', 'myday.offers': 'Offers waiting for me',
  'myday.alerts': 'Alerts',
  'myday.owned': 'Cases I own',
  'myday.requests': 'Requests I owe',
  'myday.promises': 'Promises at risk or due today',
  'myday.duties': 'Update duties due',
  'myday.cosign': 'Exceptions waiting for my co-signature',
  'myday.reviews': 'Reviews I owe',
  'myday.issues': 'System issues I owe a response to',
  'myday.coaching': 'Coaching',
  'myday.raise': 'Raise a system issue',
  'case.part.promises': 'Promises',
  'case.part.requests': 'Requests',
  'case.part.exceptions': 'Exceptions',
  'case.part.mail': 'Email',
  'case.part.actions': 'What was done for the customer',
  'case.part.articles': 'Knowledge articles',
  'case.broke': 'What broke, and why',
  'case.reviews': 'Failure reviews',
  'case.updates': 'Updates owed to the customer',
  'case.offer.pending': 'Pending offer',
  'case.fact.status': 'Status',
  'case.fact.customer': 'Customer',
  'case.fact.owner': 'Owner',
  'case.fact.intake': 'Taken in by',
  'case.fact.changed': 'Last change',
  'case.accept': 'Accept this case',
  'case.portal': 'Customer portal',
  'case.portal.make': 'Make a portal sign-in link',
  'alerts.notdone': 'Not done', 'alerts.empty': 'No alerts. New ones appear here as they happen.',
  'alerts.new': 'New',
  'alerts.markread': 'Mark read',
  'alerts.dismiss': 'Dismiss',
  'alerts.mine': 'My alerts',
  'alerts.allread': 'All read',
  'alerts.title': 'Alerts',
  'alerts.markall': 'Mark all read',
  'alerts.dismissall': 'Dismiss all',
  'alerts.nothingunread': 'Nothing unread.',
  'alerts.nothingdismiss': 'Nothing to dismiss.',
  'alerts.unread.n': '{0} unread',
  'alerts.markedread.n': '{0} marked read.',
  'alerts.dismissed.n': '{0} dismissed.',
  // leadership
  'lead.title': 'Leadership', 'lead.intro': 'Every chart\'s numbers are in the table under it and can be downloaded as CSV.',
  'lead.period': 'Period', 'lead.period.choose': 'Choose the period', 'lead.period.30': 'Last 30 days', 'lead.period.90': 'Last 90 days (the quarter)', 'lead.period.7': 'Last 7 days',
  'lead.period.365': 'Last 12 months', 'lead.period.custom': 'From … to …', 'lead.from': 'From', 'lead.to': 'To', 'lead.show': 'Show',
  'lead.period.said': 'Showing {0} to {1} ({2}).', 'lead.none': 'No numbers yet for this period.', 'lead.unavailable': 'This report is not available on this server yet.',
  'lead.cumulative': 'Cumulative share (%)', 'lead.more': '{0} more in the table and the CSV',
  // the profile's time zone
  'tz.title': 'My time zone', 'tz.label': 'Show times in', 'tz.browser': 'This browser\'s zone ({0})', 'tz.save': 'Save time zone',
  'tz.saved': 'Time zone saved: times now show in {0}.', 'tz.hint': 'Every time in Frontline is shown in this zone, and says so.',
};

let cat = EN;
export function useCatalogue(c) { cat = { ...EN, ...c }; }

export function t(key, ...args) {
  let s = Object.prototype.hasOwnProperty.call(cat, key) ? cat[key] : key;
  if (args.length === 1 && args[0] && typeof args[0] === 'object') {
    const o = args[0];
    return s.replace(/\{([a-z_]+)\}/g, (m, k) => (o[k] === undefined || o[k] === null ? '' : String(o[k])));
  }
  return s.replace(/\{(\d)\}/g, (m, i) => (args[+i] === undefined ? '' : String(args[+i])));
}
t.has = (key) => Object.prototype.hasOwnProperty.call(cat, key);
