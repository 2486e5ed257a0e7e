/* crash.h: crash reporting in the preload library (see crash.c). */
#ifndef SR_CRASH_H
#define SR_CRASH_H

/* Loads what the signal handler needs and installs it where the action is the default. */
void sr_crash_arm(void);

#endif
