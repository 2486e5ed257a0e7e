/* main.c: sacred-run's entry point: makes sure fds 0-2 are open, then dispatches: the
 * "log" client, "sweep", "sync", "worker", "requeue", "export", the inspect commands (ls,
 * show, ...), "rerun", --metric-test, the commands that run nothing, or a run. Inside a run it first tells that run's launcher it
 * is no process of the program. */
#include <string.h>

#include "capture/capture.h"
#include "capture/measure.h"
#include "cli.h"
#include "commands.h"
#include "inspect/inspect.h"
#include "json/json_alloc.h"
#include "launch.h"
#include "observe/events.h"
#include "preload/sr_protocol.h"
#include "report/log_cmd.h"
#include "rerun.h"
#include "store/requeue.h"
#include "store/export.h"
#include "store/sync.h"
#include "store/worker.h"
#include "sweep/sweep.h"

/* Exported (the Makefile links with --export-dynamic-symbol): the preload library loaded
 * into this image sees it and stays silent. */
extern const char SR_LAUNCHER_MARK[];
const char SR_LAUNCHER_MARK[] = "sacred-run";

int main(int argc, char **argv)
{
    struct options opt;
    struct capture cap;
    events_announce_launcher();
    json_init(); /* before any cJSON call: cJSON allocates with xmalloc */
    capture_check_fds(&cap);
    if (argc > 1 && !strcmp(argv[1], "log"))
        return log_command(argc - 1, argv + 1);
    if (argc > 1 && !strcmp(argv[1], "sweep")) {
        static const struct run_cli run_cli = { cli_option_arity, cli_storage, cli_check_point_options };
        return sweep_command(argc - 1, argv + 1, &run_cli);
    }
    if (argc > 1 && !strcmp(argv[1], "sync"))
        return sync_command(argc - 1, argv + 1);
    if (argc > 1 && !strcmp(argv[1], "worker"))
        return worker_command(argc - 1, argv + 1);
    if (argc > 1 && !strcmp(argv[1], "requeue"))
        return requeue_command(argc - 1, argv + 1);
    if (argc > 1 && !strcmp(argv[1], "export"))
        return export_command(argc - 1, argv + 1);
    int at = inspect_wanted(argc, argv);
    if (at)
        return inspect_main(argc, argv, at);
    cli_parse(&opt, argc, argv);
    int status;
    if (opt.command && !strcmp(opt.command, "rerun"))
        status = rerun_command(&opt);
    else if (opt.metric_test)
        status = measure_test_file(opt.metric_test, !opt.no_default_metrics, opt.metric,
                                   opt.nmetric, !opt.no_filter);
    else if (opt.command && strcmp(opt.command, "print_dependencies"))
        status = run_command(&opt);
    else
        status = launch_run(&opt, &cap);
    cli_release(&opt);
    return status;
}
