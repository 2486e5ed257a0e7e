/* log_cmd.h: "sacred-run log ...": reports from any process of a run (a shell script, a
 * subprocess) to its launcher. Outside a run it says so once and exits 0. */
#ifndef SR_LOG_CMD_H
#define SR_LOG_CMD_H

/* argv[0] is "log"; returns the exit status. */
int log_command(int argc, char **argv);

#endif
