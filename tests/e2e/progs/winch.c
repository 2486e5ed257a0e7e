/* winch.c: prints its terminal size, then reads the size again the moment each SIGWINCH
 * arrives (where a race would show the old size) and prints the last size it read once
 * no signal has come for 300 ms. */
#include <signal.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>

static volatile sig_atomic_t got;

static void on_winch(int sig)
{
    (void)sig;
    got++;
}

int main(void)
{
    struct winsize ws = { 0 };
    signal(SIGWINCH, on_winch);
    ioctl(1, TIOCGWINSZ, &ws);
    printf("ready %d %d\n", ws.ws_row, ws.ws_col);
    fflush(stdout);
    int seen = 0, quiet = 0;
    for (int i = 0; i < 5000 && (seen == 0 || quiet < 300); i++) {
        if (got != seen) {
            seen = got;
            quiet = 0;
            ioctl(1, TIOCGWINSZ, &ws);
        }
        usleep(1000);
        quiet++;
    }
    printf("resized %d %d\n", ws.ws_row, ws.ws_col);
    return 0;
}
