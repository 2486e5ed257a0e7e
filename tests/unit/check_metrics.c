/* check_metrics.c: the default metric patterns on a corpus of real-world log lines
 * (what each yields is the documentation of the patterns), and number text. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "capture/metric_parse.h"
#include "json/numtext.h"

static const struct {
    const char *line, *want;
} corpus[] = {
    /* Keras */
    { "Epoch 1/5", "" },
    { "1875/1875 [==============================] - 3s 1ms/step - loss: 0.2951 - accuracy: 0.9149",
      "loss=0.2951 accuracy=0.9149" },
    { "1875/1875 [==============================] - 4s 2ms/step - loss: 0.1423 - accuracy: 0.9575 "
      "- val_loss: 0.1010 - val_accuracy: 0.9690",
      "loss=0.1423 accuracy=0.9575 val_loss=0.1010 val_accuracy=0.9690" },
    { "469/469 \xe2\x94\x81\xe2\x94\x81\xe2\x94\x81 2s 4ms/step - accuracy: 0.8641 - loss: 0.4712",
      "accuracy=0.8641 loss=0.4712" },
    /* PyTorch Lightning */
    { "Epoch 0: 100%|\xe2\x96\x88\xe2\x96\x88| 1875/1875 [00:10<00:00, 180.21it/s, v_num=0, train_loss=0.251]",
      "v_num=0 train_loss=0.251 @0" },
    { "Epoch 3:  45%|\xe2\x96\x88\xe2\x96\x8c     | 844/1875 [00:04<00:05, 190.36it/s, loss=0.0912, v_num=1]",
      "loss=0.0912 v_num=1 @3" },
    /* tqdm postfixes */
    { "100%|\xe2\x96\x88\xe2\x96\x88| 10/10 [00:01<00:00,  9.87it/s, loss=0.25, lr=1e-3]", "loss=0.25 lr=1e-3" },
    { "train: 100%|##########| 100/100 [00:02<00:00, 45.3batch/s, acc=0.913]", "acc=0.913" },
    /* XGBoost, LightGBM */
    { "[0]\tvalidation_0-logloss:0.54321\tvalidation_1-logloss:0.55012",
      "validation_0-logloss=0.54321 validation_1-logloss=0.55012 @0" },
    { "[99]\tvalidation_0-rmse:0.12345", "validation_0-rmse=0.12345 @99" },
    { "[10]\tvalid_0's l2: 0.123456", "l2=0.123456 @10" },
    { "[LightGBM] [Info] Total Bins 1234", "" },
    { "[LightGBM] [Info] Number of positive: 3140, number of negative: 3373", "positive=3140 negative=3373" },
    /* Hugging Face Trainer */
    { "{'loss': 0.6931, 'learning_rate': 4.5e-05, 'epoch': 0.5}", "loss=0.6931 learning_rate=4.5e-05 epoch=0.5" },
    { "{'eval_loss': 0.5, 'eval_accuracy': 0.8, 'eval_runtime': 1.23, 'epoch': 2}",
      "eval_loss=0.5 eval_accuracy=0.8 eval_runtime=1.23 @2" },
    /* PyTorch's MNIST example */
    { "Train Epoch: 1 [0/60000 (0%)]\tLoss: 2.300024", "Loss=2.300024 @1" },
    { "Test set: Average loss: 0.0335, Accuracy: 9890/10000 (99%)", "loss=0.0335" },
    /* printf-style */
    { "epoch 3 - loss: 0.2512 - acc: 0.913", "loss=0.2512 acc=0.913 @3" },
    { "step 100: loss=0.3412, lr=0.001", "loss=0.3412 lr=0.001 @100" },
    { "iter 5 | loss 0.3 | acc=0.9", "acc=0.9 @5" },
    { "2024-05-01 12:00:03,123 INFO loss=0.3 (step 200)", "loss=0.3 @200" },
    { "loss=nan val/loss=inf grad_norm=-inf", "loss=nan val/loss=inf grad_norm=-inf" },
    { "accuracy: 91.3%", "accuracy=91.3" },
    { "step=7 epoch=2 loss=1", "loss=1 @7" },
    /* things that are not metrics */
    { "ETA: 0:00:01", "" },
    { "time=3.2s", "" },
    { "Saving model to: /tmp/model.pt", "" },
    { "12:30:00 started", "" },
    { "Port=8080", "Port=8080" }, /* a false positive: the patterns cannot know */
};

static void render(const struct metric_line *m, char *out, size_t len)
{
    size_t o = 0;
    out[0] = '\0';
    for (int i = 0; i < m->n; i++)
        o += (size_t)snprintf(out + o, len - o, "%s%.*s=%.*s", i ? " " : "", (int)m->hit[i].name_len,
                              m->hit[i].name, (int)m->hit[i].value_len, m->hit[i].value);
    if (m->n && m->has_step)
        snprintf(out + o, len - o, " @%lld", m->step);
}

START_TEST(test_corpus)
{
    for (size_t i = 0; i < sizeof(corpus) / sizeof(*corpus); i++) {
        struct metric_line m;
        char got[512];
        metric_parse_line(corpus[i].line, strlen(corpus[i].line), &m);
        render(&m, got, sizeof(got));
        ck_assert_msg(!strcmp(got, corpus[i].want), "line '%s': got '%s', want '%s'", corpus[i].line,
                      got, corpus[i].want);
    }
}
END_TEST

static void expect_num(const char *in, const char *want, int want_int)
{
    char out[NUMTEXT_MAX];
    int is_int = -1;
    size_t n = numtext_json(in, strlen(in), out, &is_int);
    ck_assert_msg(n == strlen(want) && (!n || !strcmp(out, want)), "'%s' -> '%.*s', want '%s'", in,
                  (int)n, out, want);
    ck_assert_msg(!n || is_int == want_int, "'%s' int-ness", in);
}

START_TEST(test_number_text)
{
    expect_num("3", "3", 1);
    expect_num("+007", "7", 1);
    expect_num("-12", "-12", 1);
    expect_num("0.2500", "0.25", 0);
    expect_num("1.0000", "1.0", 0);
    expect_num(".5", "0.5", 0);
    expect_num("5.", "5.0", 0);
    expect_num("-0.0", "-0.0", 0);
    expect_num("0.0001234", "0.0001234", 0);
    expect_num("0.00001", "1e-05", 0);
    expect_num("1e-3", "0.001", 0);
    expect_num("4.5e-05", "4.5e-05", 0);
    expect_num("12345678901234567.0", "1.2345678901234568e+16", 0);
    expect_num("0.1234567890123456789", "0.12345678901234568", 0);
    expect_num("123456789012345678901", "1.2345678901234568e+20", 0);
    expect_num("nan", "NaN", 0);
    expect_num("-inf", "-Infinity", 0);
    expect_num("Infinity", "Infinity", 0);
    expect_num("abc", "", 0);
    expect_num("1.2.3", "", 0);
}
END_TEST

Suite *metrics_suite(void);
Suite *metrics_suite(void)
{
    Suite *s = suite_create("metrics");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_corpus);
    tcase_add_test(tc, test_number_text);
    suite_add_tcase(s, tc);
    return s;
}
