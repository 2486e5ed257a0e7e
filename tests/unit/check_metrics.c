/* check_metrics.c: the default metric patterns on a corpus of real lines from training
 * libraries and common tools (what each yields is the documentation of the patterns), its
 * precision and recall (printed), number text, and output fed in pieces of any size. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/measure.h"
#include "capture/metric_parse.h"
#include "json/numtext.h"
#include "util/strbuf.h"

/* Each line as a program printed it: the tool, the line, the metrics it should yield
 * ("name=value, ..." and " @step"), what it yields when that differs (a known miss or false
 * positive, counted against precision and recall), and names it must never yield ("a|b"). */
static const struct {
    const char *tool, *line, *want, *yields, *never;
} corpus[] = {
    /* Keras */
    { "Keras", "Epoch 1/5", "", NULL, "" },
    { "Keras", "1875/1875 [==============================] - 3s 1ms/step - loss: 0.2951 - accuracy: 0.9149",
      "loss=0.2951, accuracy=0.9149", NULL, "" },
    { "Keras", "1875/1875 [==============================] - 4s 2ms/step - loss: 0.1423 - accuracy: 0.9575 "
      "- val_loss: 0.1010 - val_accuracy: 0.9690",
      "loss=0.1423, accuracy=0.9575, val_loss=0.1010, val_accuracy=0.9690", NULL, "" },
    { "Keras", "469/469 \xe2\x94\x81\xe2\x94\x81\xe2\x94\x81 2s 4ms/step - accuracy: 0.8641 - loss: 0.4712",
      "accuracy=0.8641, loss=0.4712", NULL, "" },
    /* PyTorch Lightning */
    { "Lightning", "Epoch 0: 100%|\xe2\x96\x88\xe2\x96\x88| 1875/1875 [00:10<00:00, 180.21it/s, v_num=0, train_loss=0.251]",
      "v_num=0, train_loss=0.251 @0", NULL, "" },
    { "Lightning", "Epoch 3:  45%|\xe2\x96\x88\xe2\x96\x8c     | 844/1875 [00:04<00:05, 190.36it/s, loss=0.0912, v_num=1]",
      "loss=0.0912, v_num=1 @3", NULL, "" },
    /* tqdm (4.64.1, run here) */
    { "tqdm", "100%|\xe2\x96\x88\xe2\x96\x88| 10/10 [00:01<00:00,  9.87it/s, loss=0.25, lr=1e-3]", "loss=0.25, lr=1e-3", NULL, "" },
    { "tqdm", "train: 100%|##########| 100/100 [00:02<00:00, 45.3batch/s, acc=0.913]", "acc=0.913", NULL, "" },
    { "tqdm", "  0%|          | 0/5 [00:00<?, ?it/s]", "", NULL, "" },
    { "tqdm", "100%|\xe2\x96\x88\xe2\x96\x88\xe2\x96\x88\xe2\x96\x88| 5/5 [00:00<00:00, 183960.70it/s]", "", NULL, "" },
    { "tqdm", "download.bin: 100%|\xe2\x96\x88\xe2\x96\x88\xe2\x96\x88\xe2\x96\x88| 100/100 [00:00<00:00, 4.93MB/s]", "", NULL, "download.bin" },
    { "tqdm", "train:   0%|          | 0/3 [00:00<?, ?it/s, loss=0.25]", "loss=0.25", NULL, "train" },
    { "tqdm", "train: 100%|\xe2\x96\x88\xe2\x96\x88| 3/3 [00:00<00:00, 98.03it/s, loss=0.25]", "loss=0.25", NULL, "train" },
    /* XGBoost, LightGBM */
    { "XGBoost", "[0]\tvalidation_0-logloss:0.54321\tvalidation_1-logloss:0.55012",
      "validation_0-logloss=0.54321, validation_1-logloss=0.55012 @0", NULL, "" },
    { "XGBoost", "[99]\tvalidation_0-rmse:0.12345", "validation_0-rmse=0.12345 @99", NULL, "" },
    { "LightGBM", "[10]\tvalid_0's l2: 0.123456", "l2=0.123456 @10", NULL, "" },
    { "LightGBM", "[LightGBM] [Info] Total Bins 1234", "", NULL, "" },
    { "LightGBM", "[LightGBM] [Info] Number of positive: 3140, number of negative: 3373",
      "Number of positive=3140, number of negative=3373", NULL, "positive|negative" },
    /* Hugging Face Trainer */
    { "Hugging Face", "{'loss': 0.6931, 'learning_rate': 4.5e-05, 'epoch': 0.5}", "loss=0.6931, learning_rate=4.5e-05, epoch=0.5", NULL, "" },
    { "Hugging Face", "{'eval_loss': 0.5, 'eval_accuracy': 0.8, 'eval_runtime': 1.23, 'epoch': 2}",
      "eval_loss=0.5, eval_accuracy=0.8, eval_runtime=1.23 @2", NULL, "" },
    /* PyTorch's MNIST example */
    { "PyTorch", "Train Epoch: 1 [0/60000 (0%)]\tLoss: 2.300024", "Loss=2.300024 @1", NULL, "Train Epoch" },
    { "PyTorch", "Test set: Average loss: 0.0335, Accuracy: 9890/10000 (99%)", "Average loss=0.0335", NULL, "Accuracy" },
    /* scikit-learn 1.2.1 (verbose SGDClassifier and MLPClassifier, run here) */
    { "scikit-learn", "-- Epoch 1", "", NULL, "" },
    { "scikit-learn", "Norm: 1832.19, NNZs: 54, Bias: -52.232587, T: 1347, Avg. loss: 705.186569",
      "Norm=1832.19, NNZs=54, Bias=-52.232587, T=1347, Avg. loss=705.186569", NULL, "" },
    { "scikit-learn", "Total training time: 0.00 seconds.", "Total training time=0.00", NULL, "seconds" },
    { "scikit-learn", "Iteration 1, loss = 8.16582423", "loss=8.16582423 @1", NULL, "Iteration" },
    { "scikit-learn", "Iteration 3, loss = 4.43249475", "loss=4.43249475 @3", NULL, "" },
    { "scikit-learn", "SGDClassifier(max_iter=3, random_state=0, verbose=1)", "", NULL, "max_iter|random_state|verbose" },
    { "scikit-learn", "MLPClassifier(hidden_layer_sizes=(20,), max_iter=3, random_state=0,", "", NULL,
      "max_iter|random_state" },
    { "scikit-learn", "[CV] END .................................................... total time=   0.0s", "", NULL, "total time" },
    /* what scikit-learn scripts print themselves (print("SGD test accuracy:", score)) */
    { "scikit-learn", "SGD test accuracy: 0.9355555555555556", "SGD test accuracy=0.9355555555555556", NULL, "accuracy" },
    { "scikit-learn", "MLP test accuracy: 0.18444444444444444", "MLP test accuracy=0.18444444444444444", NULL, "accuracy" },
    /* joblib 1.2.0 */
    { "joblib", "[Parallel(n_jobs=1)]: Using backend SequentialBackend with 1 concurrent workers.", "", NULL, "n_jobs" },
    { "joblib", "[Parallel(n_jobs=1)]: Done   1 out of   1 | elapsed:    0.0s remaining:    0.0s", "", NULL, "n_jobs|elapsed" },
    { "joblib", "[Parallel(n_jobs=1)]: Done   2 out of   2 | elapsed:    0.0s finished", "", NULL, "n_jobs" },
    /* printf-style training loops, perl and awk */
    { "printf", "epoch 3 - loss: 0.2512 - acc: 0.913", "loss=0.2512, acc=0.913 @3", NULL, "" },
    { "printf", "step 100: loss=0.3412, lr=0.001", "loss=0.3412, lr=0.001 @100", NULL, "" },
    { "printf", "iter 5 | loss 0.3 | acc=0.9", "loss=0.3, acc=0.9 @5", "acc=0.9 @5", "" },
    { "printf", "2024-05-01 12:00:03,123 INFO loss=0.3 (step 200)", "loss=0.3 @200", NULL, "" },
    { "printf", "loss=nan val/loss=inf grad_norm=-inf", "loss=nan, val/loss=inf, grad_norm=-inf", NULL, "" },
    { "printf", "accuracy: 91.3%", "accuracy=91.3", NULL, "" },
    { "printf", "step=7 epoch=2 loss=1", "loss=1 @7", NULL, "" },
    { "printf", "ETA: 0:00:01", "", NULL, "ETA" },
    { "printf", "time=3.2s", "", NULL, "time" },
    { "printf", "Saving model to: /tmp/model.pt", "", NULL, "" },
    { "printf", "12:30:00 started", "", NULL, "" },
    { "printf", "Port=8080", "", "Port=8080", "" }, /* a false positive: the patterns cannot know */
    { "perl", "loss: 0.1234", "loss=0.1234", NULL, "" },
    { "awk", "epoch 2 acc=0.500", "acc=0.500 @2", NULL, "" },
    /* git 2.39 (clone --progress, push, diff --stat, count-objects -v, run here) */
    { "git", "Cloning into 'dst'...", "", NULL, "" },
    { "git", "remote: Enumerating objects: 62, done.", "", NULL, "Enumerating objects" },
    { "git", "remote: Counting objects:  50% (31/62)        ", "", NULL, "Counting objects|objects" },
    { "git", "remote: Counting objects: 100% (62/62), done.        ", "", NULL, "Counting objects|objects" },
    { "git", "remote: Compressing objects: 100% (2/2), done.        ", "", NULL, "Compressing objects|objects" },
    { "git", "remote: Total 62 (delta 0), reused 0 (delta 0), pack-reused 0        ", "", NULL, "" },
    { "git", "Receiving objects:  33% (21/62)", "", NULL, "Receiving objects|objects" },
    { "git", "Receiving objects: 100% (62/62), 2.57 KiB | 2.57 MiB/s, done.", "", NULL, "Receiving objects|objects" },
    { "git", "Counting objects: 100% (5/5), done.", "", NULL, "Counting objects|objects" },
    { "git", "Delta compression using up to 2 threads", "", NULL, "" },
    { "git", "Writing objects: 100% (3/3), 250 bytes | 250.00 KiB/s, done.", "", NULL, "Writing objects|objects" },
    { "git", "Total 3 (delta 1), reused 2 (delta 0), pack-reused 0", "", NULL, "" },
    { "git", " * [new branch]      HEAD -> other", "", NULL, "" },
    { "git", " f1.txt | 1 +", "", NULL, "f1.txt" },
    { "git", " 1 file changed, 1 insertion(+)", "", NULL, "" },
    { "git", "count: 3", "count=3", NULL, "" },
    { "git", "in-pack: 62", "in-pack=62", NULL, "" },
    { "git", "size-pack: 5", "size-pack=5", NULL, "" },
    /* gzip 1.12, xz 5.4.1, zstd 1.5.4, bzip2 1.0.8, lz4 1.9.4 (-v, run here) */
    { "gzip", "big.bin:\t 99.9% -- created big.bin.gz", "", NULL, "big.bin" },
    { "gzip", "rand.bin:\t -0.0% -- created rand.bin.gz", "", NULL, "rand.bin" },
    { "gzip", "         compressed        uncompressed  ratio uncompressed_name", "", NULL, "" },
    { "gzip", "              50921            52428800  99.9% big.bin", "", NULL, "" },
    { "gzip", "big.bin.gz:\t OK", "", NULL, "" },
    { "xz", "big.bin: 7760 B / 50.0 MiB = 0.000, 0:01", "", NULL, "big.bin|MiB" },
    { "xz", "  100 %         50.0 MiB / 50.0 MiB = 1.000   1.3 MiB/s       0:37             ", "", NULL, "MiB" },
    { "xz", "    1       1       7760 B     50.0 MiB  0.000  CRC64   big.bin.xz", "", NULL, "" },
    { "xz", "big.bin.xz (1/1)", "", NULL, "" },
    { "xz", "  Streams:           1", "Streams=1", NULL, "" },
    { "xz", "  Compressed size:   7760 B", "Compressed size=7760", NULL, "B" },
    { "xz", "  Uncompressed size: 50.0 MiB (52428800 B)", "Uncompressed size=50.0", NULL, "MiB" },
    { "xz", "  Ratio:             0.000", "Ratio=0.000", NULL, "" },
    { "xz", "  Check:             CRC64", "", NULL, "" },
    { "xz", "  Memory needed:     9 MiB", "Memory needed=9", NULL, "" },
    { "xz", "  Minimum XZ Utils version: 5.0.0", "", NULL, "Minimum XZ Utils version" },
    { "zstd", "*** Zstandard CLI (64-bit) v1.5.4, by Yann Collet ***", "", NULL, "" },
    { "zstd", "big.bin              :  0.00%   (  50.0 MiB =>   1.63 KiB, big.bin.zst) ", "", NULL, "big.bin|MiB" },
    { "zstd", "rand.bin             :100.00%   (  50.0 MiB =>   50.0 MiB, rand.bin.zst) ", "", NULL, "rand.bin|MiB" },
    { "zstd", "     1      0    1.63 KiB      50.0 MiB  31488.769  XXH64  big.bin.zst", "", NULL, "" },
    { "bzip2", "  big.bin: 647269.136:1,  0.000 bits/byte, 100.00% saved, 52428800 in, 81 out.", "", NULL, "big.bin" },
    { "lz4", "Compressed 52428800 bytes into 205810 bytes ==> 0.39%", "", NULL, "bytes" },
    /* the compressors' lines as the issue reported them */
    { "issue", "big.bin: 50.0 MiB", "", NULL, "big.bin" },
    { "issue", "MiB = 1.0", "", NULL, "MiB" },
    /* GNU make 4.3, gcc 12, cmake 3.25, ninja 1.11 (run here) */
    { "make", "cc -Wall -O2 -DLEVEL=3 -c -o a.o a.c", "", NULL, "LEVEL|DLEVEL" },
    { "make", "make: *** [Makefile:7: bad] Error 1", "", NULL, "Makefile" },
    { "make", "make: Entering directory '/tmp/jout/mk'", "", NULL, "" },
    { "make", "make: 'prog' is up to date.", "", NULL, "" },
    { "gcc", "a.c:1:17: warning: unused variable \xe2\x80\x98y\xe2\x80\x99 [-Wunused-variable]", "", NULL, "a.c" },
    { "gcc", "    1 | int f(void){int y; return 0;}", "", NULL, "" },
    { "cmake", "-- The C compiler identification is GNU 12.2.0", "", NULL, "" },
    { "cmake", "-- Check for working C compiler: /usr/bin/cc - skipped", "", NULL, "" },
    { "cmake", "-- Build files have been written to: /tmp/jout/mk/cm/b", "", NULL, "" },
    { "cmake", "[ 33%] Building C object CMakeFiles/p.dir/tmp/jout/mk/m.c.o", "", NULL, "" },
    { "cmake", "[100%] Built target p", "", NULL, "" },
    { "cmake", "cmake_minimum_required(VERSION 3.10)", "", NULL, "VERSION" },
    { "ninja", "[1/3] Building C object CMakeFiles/p.dir/tmp/jout/mk/a.c.o", "", NULL, "" },
    { "ninja", "ninja: Entering directory `n'", "", NULL, "" },
    /* pip 23.2 (offline, run here), npm 9 (pack, install) */
    { "pip", "WARNING: Retrying (Retry(total=2, connect=None, read=None, redirect=None, status=None)) after "
      "connection broken by 'NewConnectionError('<pip._vendor.urllib3.connection.HTTPSConnection object at "
      "0x7f38f09620d0>: Failed to establish a new connection: [Errno -2] Name or service not known')': /simple/six/",
      "", NULL, "total" },
    { "pip", "ERROR: Could not find a version that satisfies the requirement six==1.16.0 (from versions: none)", "", NULL, "six" },
    { "pip", "Processing ./d/six-1.16.0-py2.py3-none-any.whl", "", NULL, "" },
    { "pip", "pip        23.2.1", "", NULL, "" },
    { "pip", "Version: 23.2.1", "", NULL, "Version" },
    { "npm", "npm notice 17B index.js", "", NULL, "" },
    { "npm", "npm notice version: 1.0.0", "", NULL, "version|npm notice version" },
    { "npm", "npm notice package size: 292 B", "package size=292", "npm notice package size=292", "" },
    { "npm", "npm notice unpacked size: 254 B", "unpacked size=254", "npm notice unpacked size=254", "" },
    { "npm", "npm notice total files: 2", "total files=2", "npm notice total files=2", "" },
    { "npm", "added 1 package in 470ms", "", NULL, "" },
    { "npm", "npm warn audit 405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk",
      "", NULL, "https" },
    /* unittest (Python 3.11), pytest 7.2.1 (run here) */
    { "unittest", "Ran 3 tests in 0.001s", "", NULL, "" },
    { "unittest", "FAILED (failures=1, errors=1)", "failures=1, errors=1", NULL, "" },
    { "unittest", "AssertionError: 1 != 2", "", NULL, "AssertionError" },
    { "unittest", "test_b (test_x.T.test_b) ... FAIL", "", NULL, "" },
    { "unittest", "  File \"/tmp/jout/py/test_x.py\", line 4, in test_b", "", NULL, "" },
    { "pytest", "platform linux -- Python 3.11.2, pytest-7.2.1, pluggy-1.0.0+repack -- /usr/bin/python3", "", NULL, "" },
    { "pytest", "collecting ... collected 3 items", "", NULL, "" },
    { "pytest", "test_x.py::T::test_a PASSED                                              [ 33%]", "", NULL, "test_x.py" },
    { "pytest", "test_x.py:5: ValueError", "", NULL, "test_x.py" },
    { "pytest", "FAILED test_x.py::T::test_b - AssertionError: 1 != 2", "", NULL, "" },
    { "pytest", "2 failed, 1 passed in 0.03s", "", NULL, "" },
    /* rsync 3.2.7 (-av --stats, --progress), cp -v, tar --totals, dd (run here) */
    { "rsync", "Number of files: 3 (reg: 2, dir: 1)", "Number of files=3, reg=2, dir=1", NULL, "" },
    { "rsync", "Number of regular files transferred: 2", "Number of regular files transferred=2", NULL, "" },
    { "rsync", "Total file size: 3,000,003 bytes", "Total file size=3000003", "", "Total file size=3" },
    { "rsync", "Matched data: 0 bytes", "Matched data=0", NULL, "" },
    { "rsync", "File list generation time: 0.001 seconds", "File list generation time=0.001", NULL, "" },
    { "rsync", "Total bytes sent: 3,000,907", "Total bytes sent=3000907", "", "" },
    { "rsync", "sent 3,000,907 bytes  received 83 bytes  6,001,980.00 bytes/sec", "", NULL, "" },
    { "rsync", "total size is 3,000,003  speedup is 1.00", "", NULL, "" },
    { "rsync", "              3 100%    0.00kB/s    0:00:00 (xfr#1, to-chk=1/3)", "", NULL, "to-chk" },
    { "rsync", "         32,768   1%   31.25MB/s    0:00:00  ", "", NULL, "" },
    { "cp", "'src/a.txt' -> 'b.txt'", "", NULL, "" },
    { "cp", "'src/data.bin' -> 'cpy/data.bin'", "", NULL, "" },
    { "tar", "Total bytes written: 3010560 (2.9MiB, 683MiB/s)", "Total bytes written=3010560", NULL, "" },
    { "dd", "2+1 records in", "", NULL, "" },
    { "dd", "3000000 bytes (3.0 MB, 2.9 MiB) copied, 0.00144024 s, 2.1 GB/s", "", NULL, "" },
    /* valgrind 3.19, GNU time 1.9 -v (run here) */
    { "valgrind", "==8515==   total heap usage: 0 allocs, 0 frees, 0 bytes allocated", "total heap usage=0", NULL, "" },
    { "valgrind", "==8515== ERROR SUMMARY: 0 errors from 0 contexts (suppressed: 0 from 0)", "ERROR SUMMARY=0, suppressed=0", NULL, "" },
    { "valgrind", "==8515== All heap blocks were freed -- no leaks are possible", "", NULL, "" },
    { "GNU time", "\tCommand being timed: \"true\"", "", NULL, "" },
    { "GNU time", "\tUser time (seconds): 0.00", "User time=0.00", NULL, "seconds" },
    { "GNU time", "\tMaximum resident set size (kbytes): 976", "Maximum resident set size=976", NULL, "kbytes" },
    { "GNU time", "\tPercent of CPU this job got: 0%", "Percent of CPU this job got=0", NULL, "" },
    { "GNU time", "\tElapsed (wall clock) time (h:mm:ss or m:ss): 0:00.00", "", NULL, "" },
    { "GNU time", "\tMajor (requiring I/O) page faults: 0", "Major page faults=0", "page faults=0", "" },
    { "du", "15M\trs", "", NULL, "" },
};

enum { NCORPUS = sizeof(corpus) / sizeof(*corpus) };

static void render(const struct metric_line *m, char *out, size_t len)
{
    size_t o = 0;
    out[0] = '\0';
    for (int i = 0; i < m->n; i++)
        o += (size_t)snprintf(out + o, len - o, "%s%.*s=%.*s", i ? ", " : "", (int)m->hit[i].name_len,
                              m->hit[i].name, (int)m->hit[i].value_len, m->hit[i].value);
    if (m->n && m->has_step)
        snprintf(out + o, len - o, " @%lld", m->step);
}

/* 1 if the metric "name=value" is one of list's ("a=1, b=2 @3"). */
static int listed(const char *list, const char *item, size_t n)
{
    for (const char *p = list; *p;) {
        size_t len = strcspn(p, ",@");
        while (len && p[len - 1] == ' ')
            len--;
        if (len == n && !strncmp(p, item, n))
            return 1;
        p += strcspn(p, ",@");
        p += *p ? 1 : 0;
        p += strspn(p, " ");
    }
    return 0;
}

/* How many metrics of a are in b, and how many a has. */
static void overlap(const char *a, const char *b, int *common, int *all)
{
    for (const char *p = a; *p && *p != '@';) {
        size_t len = strcspn(p, ",@");
        size_t n = len;
        while (n && p[n - 1] == ' ')
            n--;
        *all += 1;
        *common += listed(b, p, n);
        p += len + (p[len] == ',');
        p += strspn(p, " ");
    }
}

START_TEST(test_corpus)
{
    int tp = 0, yielded = 0, relevant = 0, dummy = 0, ntools = 0, wrong = 0;
    for (size_t i = 0; i < NCORPUS; i++) {
        struct metric_line m;
        char got[1024];
        metric_parse_line(corpus[i].line, strlen(corpus[i].line), &m);
        render(&m, got, sizeof(got));
        const char *want = corpus[i].yields ? corpus[i].yields : corpus[i].want;
        if (strcmp(got, want) && ++wrong)
            printf("%s line '%s': got '%s', want '%s'\n", corpus[i].tool, corpus[i].line, got, want);
        for (int h = 0; h < m.n; h++)
            for (const char *no = corpus[i].never; *no; no += strcspn(no, "|"), no += *no == '|') {
                size_t len = strcspn(no, "|");
                if (m.hit[h].name_len == len && !strncmp(m.hit[h].name, no, len) && ++wrong)
                    printf("%s line '%s' yields '%.*s'\n", corpus[i].tool, corpus[i].line, (int)len, no);
            }
        overlap(got, corpus[i].want, &tp, &yielded);
        overlap(corpus[i].want, got, &dummy, &relevant);
        int seen = 0;
        for (size_t j = 0; j < i && !seen; j++)
            seen = !strcmp(corpus[j].tool, corpus[i].tool);
        ntools += !seen;
    }
    printf("metric corpus: %d lines from %d tools; precision %.3f (%d of %d yielded are right), "
           "recall %.3f (%d of %d found)\n", (int)NCORPUS, ntools, (double)tp / yielded, tp, yielded,
           (double)tp / relevant, tp, relevant);
    ck_assert_msg(!wrong, "%d corpus lines differ (above)", wrong);
    ck_assert_int_ge(NCORPUS, 100);
    ck_assert_int_ge(ntools, 20);
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

static void keep_point(void *arg, const char *name, long long seq, long long step,
                       const char *stamp, const char *value)
{
    (void)seq;
    (void)stamp;
    char line[512];
    snprintf(line, sizeof(line), "%s @%lld = %s\n", name, step, value);
    strbuf_addstr(arg, line);
}

static void ignore_seen(void *ctx, size_t lineno, const char *name, const char *value,
                        long long step)
{
    (void)ctx, (void)lineno, (void)name, (void)value, (void)step;
}

/* The points the corpus yields when fed in pieces of size piece (0: all at once), read
 * line by line (with an observer) or passing over the lines without ':' or '='. */
static char *points_of(const char *text, size_t piece, int line_by_line)
{
    struct metrics ms;
    struct measure m;
    struct strbuf got = { 0 };
    metrics_init(&ms, -1);
    ms.sink = keep_point;
    ms.sink_arg = &got;
    measure_init(&m, &ms, 1, NULL, 0);
    if (line_by_line)
        m.seen = ignore_seen;
    size_t n = strlen(text);
    for (size_t at = 0; at < n; at += piece ? piece : n)
        measure_feed(&m, text + at, piece && n - at > piece ? piece : n - at);
    measure_finish(&m);
    measure_release(&m);
    metrics_release(&ms, 0);
    return strbuf_detach(&got);
}

START_TEST(test_feed_in_pieces)
{
    struct strbuf text = { 0 };
    for (size_t i = 0; i < NCORPUS; i++) {
        strbuf_addstr(&text, corpus[i].line);
        strbuf_addstr(&text, i % 3 ? "\nplain words, no separator\n\n" : "\n");
    }
    strbuf_addstr(&text, "last loss: 0.5"); /* no newline: parsed at the end */
    char *want = points_of(text.buf, 0, 1);
    ck_assert_ptr_nonnull(strstr(want, "loss @"));
    ck_assert_ptr_nonnull(strstr(want, "= 0.5\n"));
    static const size_t pieces[] = { 0, 1, 2, 3, 7, 64, 4096 };
    for (size_t i = 0; i < sizeof(pieces) / sizeof(*pieces); i++) {
        char *got = points_of(text.buf, pieces[i], 0);
        ck_assert_msg(!strcmp(got, want), "pieces of %zu bytes yield other points", pieces[i]);
        free(got);
    }
    free(want);
    strbuf_release(&text);
}
END_TEST

Suite *metrics_suite(void);
Suite *metrics_suite(void)
{
    Suite *s = suite_create("metrics");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_corpus);
    tcase_add_test(tc, test_number_text);
    tcase_add_test(tc, test_feed_in_pieces);
    suite_add_tcase(s, tc);
    return s;
}
