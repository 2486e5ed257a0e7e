/* metrics_print.c: a training loop that prints progress with \r and one metric line per
 * epoch, the way real training programs do. */
#include <stdio.h>
#include <unistd.h>

int main(void)
{
    for (int epoch = 1; epoch <= 3; epoch++) {
        for (int pct = 0; pct <= 100; pct += 25) {
            printf("\repoch %d: %3d%%|#####| loss=9.99", epoch, pct);
            fflush(stdout);
        }
        printf("\repoch %d - loss: %.4f - acc: %.3f\n", epoch, 1.0 / epoch, 0.9 + epoch / 100.0);
    }
    printf("val_loss=0.5, val_acc=0.75\n");
    printf("val_loss=0.25 (step 7)\n");
    printf("final accuracy: 97.5%%");
    return 0;
}
