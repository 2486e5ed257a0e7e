/* threads_open.c: 8 threads each open 50 files of their own for reading and write one. */
#include <pthread.h>
#include <stdio.h>

static void *work(void *arg)
{
    long t = (long)arg;
    char name[64];
    for (int i = 0; i < 50; i++) {
        snprintf(name, sizeof(name), "in/t%ld_%d.dat", t, i);
        FILE *f = fopen(name, "r");
        if (f)
            fclose(f);
    }
    snprintf(name, sizeof(name), "out_t%ld.txt", t);
    FILE *o = fopen(name, "w");
    if (o) {
        fprintf(o, "thread %ld\n", t);
        fclose(o);
    }
    return NULL;
}

int main(void)
{
    pthread_t th[8];
    for (long t = 0; t < 8; t++)
        pthread_create(&th[t], NULL, work, (void *)t);
    for (int t = 0; t < 8; t++)
        pthread_join(th[t], NULL);
    puts("done");
    return 0;
}
