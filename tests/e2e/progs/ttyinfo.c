/* ttyinfo.c: reports what the program sees of its terminal. */
#include <stdio.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

int main(void)
{
    struct winsize ws = { 0 };
    struct termios t;
    ioctl(1, TIOCGWINSZ, &ws);
    int opost = tcgetattr(1, &t) == 0 && (t.c_oflag & OPOST);
    printf("isatty %d %d %d\nsize %d %d\nopost %d\n", isatty(0), isatty(1), isatty(2), ws.ws_row,
           ws.ws_col, opost);
    return 0;
}
