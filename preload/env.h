/* env.h: keeping the preload alive across exec. The constructor saves LD_PRELOAD's entry
 * for our library and every SACRED_* variable; sr_env_call() passes a doctored copy of any
 * environment (built on the stack) that lost them. */
#ifndef SR_ENV_H
#define SR_ENV_H

#include <stddef.h>

/* Saves what must survive, from the constructor's envp. 0 if running under sacred-run. */
int sr_env_save(char *const envp[]);

/* Calls fn(ctx, env) where env is envp with our variables put back (envp itself when
 * nothing is missing). Returns fn's result. Uses only the stack. */
int sr_env_call(char *const envp[], int (*fn)(void *ctx, char *const env[]), void *ctx);

/* 1 if envp already carries everything sr_env_call would add. */
int sr_env_intact(char *const envp[]);

#endif
