/* libs.h: reporting loaded shared objects (see libs.c). */
#ifndef SR_LIBS_H
#define SR_LIBS_H

#include "channel.h"

/* Reports the loaded objects if anything was loaded since the last report. */
void sr_libs_report(void);
/* Adds the loaded objects' paths to a payload (the hello's). */
void sr_libs_add(struct sr_chunker *c);

#endif
