/* libs.h: reporting loaded shared objects (see libs.c). */
#ifndef SR_LIBS_H
#define SR_LIBS_H

/* Reports the loaded objects if anything was loaded since the last report. */
void sr_libs_report(void);

#endif
