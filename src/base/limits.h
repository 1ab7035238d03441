#ifndef FL_LIMITS_H
#define FL_LIMITS_H
/* Input limits.  Every one is named here and documented in docs/API.md; input over a limit is
 * refused with error code "too_long" / "too_large" / "too_many" and changes nothing. */

#define FL_MAX_NAME 200          /* names of people, customers, teams, organizations (bytes) */
#define FL_MAX_EMAIL 254         /* RFC 5321 */
#define FL_MAX_PHONE 40
#define FL_MAX_SUBJECT 300
#define FL_MAX_TEXT 10000        /* summaries, notes, reasons, descriptions */
#define FL_MAX_SHORT 100         /* enum-like strings, slugs, channels, keys */
#define FL_MAX_ID 64             /* ids are "<prefix>_<26 base32 chars>" */
#define FL_MAX_PASSWORD 256
#define FL_MIN_PASSWORD 10
#define FL_MAX_LIST 500          /* page size cap for list endpoints */
#define FL_DEFAULT_LIST 50
#define FL_MAX_BODY (1024 * 1024) /* HTTP request body cap */
#define FL_MAX_FIELDS 64          /* fields in one JSON object */
#define FL_MAX_JSON_DEPTH 16

#endif
