/*
 * kafka-broker: a real Kafka wire-protocol broker on 127.0.0.1 for tests and benchmarks, built on librdkafka's mock
 * cluster (rdkafka_mock.h, Debian's librdkafka-dev). test/support/kafka-broker.ts compiles and runs it.
 *
 *   kafka-broker [--brokers N] [--topic NAME:PARTITIONS]... [--ignore-stdin] [--debug]
 *
 * Prints the bootstrap list ("127.0.0.1:port,...") as the FIRST line on stdout, then serves until SIGTERM, SIGINT or
 * SIGHUP, until stdin reaches end-of-file (the parent closed the pipe or died; --ignore-stdin turns this off for
 * shell use), or until the parent process dies (Linux PR_SET_PDEATHSIG). Exits 0 after a clean shutdown, 2 on bad
 * arguments, 1 when the cluster cannot start. The mock listens on 127.0.0.1 only (INADDR_LOOPBACK in librdkafka).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#define MAX_TOPICS 64

struct topic_arg {
        char name[250];
        int partitions;
};

static int debug_logs = 0;

static void usage(const char *why) {
        fprintf(stderr,
                "kafka-broker: %s\n"
                "usage: kafka-broker [--brokers N] [--topic NAME:PARTITIONS]... [--ignore-stdin] [--debug]\n",
                why);
        exit(2);
}

static int parse_int(const char *s, int min, int max, int *out) {
        char *end = NULL;
        long v;
        errno = 0;
        v = strtol(s, &end, 10);
        if (errno || end == s || *end != '\0' || v < min || v > max)
                return -1;
        *out = (int)v;
        return 0;
}

/* librdkafka's own log lines (errors, and the mock's debug output with --debug) go to stderr, prefixed. */
static void log_cb(const rd_kafka_t *rk, int level, const char *fac, const char *buf) {
        (void)rk;
        if (level <= 3 || debug_logs)
                fprintf(stderr, "kafka-broker: %s %s\n", fac, buf);
}

int main(int argc, char **argv) {
        struct topic_arg topics[MAX_TOPICS];
        int topic_cnt = 0, broker_cnt = 1, watch_stdin = 1, i;
        char errstr[512];
        sigset_t mask;
        int sfd;

        for (i = 1; i < argc; i++) {
                if (!strcmp(argv[i], "--brokers") && i + 1 < argc) {
                        if (parse_int(argv[++i], 1, 16, &broker_cnt))
                                usage("--brokers takes an integer from 1 to 16");
                } else if (!strcmp(argv[i], "--topic") && i + 1 < argc) {
                        const char *arg = argv[++i], *colon = strrchr(arg, ':');
                        size_t len;
                        if (topic_cnt == MAX_TOPICS)
                                usage("too many --topic arguments");
                        if (!colon || colon == arg)
                                usage("--topic takes NAME:PARTITIONS, e.g. orders:6");
                        len = (size_t)(colon - arg);
                        if (len >= sizeof(topics[0].name))
                                usage("topic name too long");
                        memcpy(topics[topic_cnt].name, arg, len);
                        topics[topic_cnt].name[len] = '\0';
                        if (parse_int(colon + 1, 1, 1000, &topics[topic_cnt].partitions))
                                usage("--topic partitions must be an integer from 1 to 1000");
                        topic_cnt++;
                } else if (!strcmp(argv[i], "--ignore-stdin")) {
                        watch_stdin = 0;
                } else if (!strcmp(argv[i], "--debug")) {
                        debug_logs = 1;
                } else {
                        usage("unknown argument");
                }
        }

#ifdef __linux__
        /* Die with the parent. The check after prctl closes the race where the parent died before it. */
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (getppid() == 1)
                return 0;
#endif
        signal(SIGPIPE, SIG_IGN);

        /* Block the stop signals before librdkafka starts its threads (they inherit the mask), and read them from a
         * signalfd in this thread only. */
        sigemptyset(&mask);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        sigaddset(&mask, SIGHUP);
        if (sigprocmask(SIG_BLOCK, &mask, NULL) == -1 || (sfd = signalfd(-1, &mask, SFD_CLOEXEC)) == -1) {
                perror("kafka-broker: signalfd");
                return 1;
        }

        rd_kafka_conf_t *conf = rd_kafka_conf_new();
        rd_kafka_conf_set_log_cb(conf, log_cb);
        /* The handle only owns the mock cluster: no bootstrap.servers, so it never connects anywhere itself. */
        if (debug_logs && rd_kafka_conf_set(conf, "debug", "mock", errstr, sizeof(errstr)) != RD_KAFKA_CONF_OK) {
                fprintf(stderr, "kafka-broker: %s\n", errstr);
                return 1;
        }
        rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
        if (!rk) {
                fprintf(stderr, "kafka-broker: rd_kafka_new: %s\n", errstr);
                return 1;
        }
        rd_kafka_mock_cluster_t *mcluster = rd_kafka_mock_cluster_new(rk, broker_cnt);
        if (!mcluster) {
                fprintf(stderr, "kafka-broker: could not create a mock cluster of %d broker(s)\n", broker_cnt);
                rd_kafka_destroy(rk);
                return 1;
        }
        for (i = 0; i < topic_cnt; i++) {
                rd_kafka_resp_err_t err = rd_kafka_mock_topic_create(mcluster, topics[i].name, topics[i].partitions,
                                                                     broker_cnt < 3 ? broker_cnt : 3);
                if (err) {
                        fprintf(stderr, "kafka-broker: cannot create topic %s: %s\n", topics[i].name,
                                rd_kafka_err2str(err));
                        rd_kafka_mock_cluster_destroy(mcluster);
                        rd_kafka_destroy(rk);
                        return 1;
                }
        }

        printf("%s\n", rd_kafka_mock_cluster_bootstraps(mcluster));
        fflush(stdout);

        for (;;) {
                struct pollfd fds[2] = {{.fd = sfd, .events = POLLIN}, {.fd = STDIN_FILENO, .events = POLLIN}};
                int n = poll(fds, watch_stdin ? 2 : 1, -1);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        perror("kafka-broker: poll");
                        break;
                }
                if (fds[0].revents & POLLIN) {
                        struct signalfd_siginfo si;
                        if (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si) && debug_logs)
                                fprintf(stderr, "kafka-broker: signal %u, stopping\n", si.ssi_signo);
                        break;
                }
                if (watch_stdin && fds[1].revents) {
                        char buf[256];
                        ssize_t r = read(STDIN_FILENO, buf, sizeof(buf));
                        if (r <= 0 && !(r < 0 && errno == EINTR)) {
                                if (debug_logs)
                                        fprintf(stderr, "kafka-broker: stdin closed, stopping\n");
                                break;
                        }
                        /* Input on stdin is ignored. */
                }
        }

        rd_kafka_mock_cluster_destroy(mcluster);
        rd_kafka_destroy(rk);
        close(sfd);
        return 0;
}
