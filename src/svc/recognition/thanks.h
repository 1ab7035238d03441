#ifndef FL_SVC_THANKS_H
#define FL_SVC_THANKS_H
/* Thanks from one colleague to another for a specific case (svc/recognition/thanks.c).  Anyone may
 * thank anyone else, a few times a day (the setting recognition.thanks_per_day, over any 24 hours),
 * never themselves.  The colleague is alerted; they and the managers above them see it; it counts on
 * their scorecard. */
#include "svc/svc.h"

extern const struct route thanks_routes[];

#endif
