/*
 * modkit-client: hands one modkit command line to the resident server (modkit server start) and relays what it
 * prints and its exit code, or, when no server answers, becomes the JVM that runs the command itself.
 *
 * A JVM takes 80-110 ms to start on a small machine before modkit runs a line of its own; a warm one answers lsmod
 * in 2 ms. bin/modkit runs this instead of java whenever it is built (cli/target/modkit-client):
 *
 *   modkit-client HERE COUNT JAVA ARGS...    COUNT: how many of the last ARGS are modkit's own command line
 *   modkit-client --socket HERE              print the server's socket path for the checkout HERE (made safe)
 *   modkit-client --ping SOCKET              exit 0 if a server answers there
 *
 * The protocol (all integers 32-bit big-endian) is modkit.cli.server.ServerProtocol's: a request "MKS1", the
 * arguments, the environment, the working directory and the umask; then frames back: 1 stdout, 2 stderr (bytes),
 * 3 the exit code, 4 refused (the server was built from another jar and is going away: run the JVM instead).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

extern char **environ;

struct buf {
    unsigned char *data;
    size_t len, cap;
};

static void put(struct buf *b, const void *p, size_t n) {
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n)
            cap *= 2;
        unsigned char *d = realloc(b->data, cap);
        if (!d) {
            fputs("modkit: out of memory\n", stderr);
            exit(70);
        }
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

static void put_u32(struct buf *b, uint32_t v) {
    unsigned char w[4] = {v >> 24, v >> 16, v >> 8, v};
    put(b, w, 4);
}

static void put_str(struct buf *b, const char *s) {
    size_t n = strlen(s);
    put_u32(b, (uint32_t) n);
    put(b, s, n);
}

static int write_all(int fd, const unsigned char *p, size_t n) {
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += w;
        n -= (size_t) w;
    }
    return 0;
}

/* 0 on a whole read, 1 at end of stream before any byte, -1 on an error or a short read. */
static int read_all(int fd, unsigned char *p, size_t n) {
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, p + got, n - got);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (r == 0)
            return got == 0 ? 1 : -1;
        got += (size_t) r;
    }
    return 0;
}

/* The directory for this user's sockets: $XDG_RUNTIME_DIR/modkit, else /tmp/modkit-UID; made 0700 if missing
 * (unless quiet), refused if another user owns it or others may enter it (a socket there could be anyone's). */
static int socket_dir(char *out, size_t size, int quiet) {
    const char *xdg = getenv("XDG_RUNTIME_DIR");
    struct stat st;
    if (xdg && *xdg == '/' && stat(xdg, &st) == 0 && S_ISDIR(st.st_mode))
        snprintf(out, size, "%s/modkit", xdg);
    else
        snprintf(out, size, "/tmp/modkit-%u", (unsigned) getuid());
    /* (only "modkit server start" makes it: a command that finds none knows there is no server) */
    if (!quiet && mkdir(out, 0700) != 0 && errno != EEXIST) {
        fprintf(stderr, "modkit: cannot create %s: %s\n", out, strerror(errno));
        return -1;
    }
    if (lstat(out, &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != getuid() || (st.st_mode & 077) != 0) {
        if (!quiet)
            fprintf(stderr, "modkit: %s is not a private directory of this user: remove it, or set XDG_RUNTIME_DIR\n", out);
        return -1;
    }
    return 0;
}

/* The socket of the server for the checkout HERE: one per checkout and user (FNV-1a of the path names it). */
static int socket_path(const char *here, char *out, size_t size, int quiet) {
    char dir[200];
    if (socket_dir(dir, sizeof dir, quiet) != 0)
        return -1;
    uint64_t h = 14695981039346656037ULL;
    for (const unsigned char *p = (const unsigned char *) here; *p; p++)
        h = (h ^ *p) * 1099511628211ULL;
    int n = snprintf(out, size, "%s/server-%016llx.sock", dir, (unsigned long long) h);
    struct sockaddr_un a;
    if (n < 0 || (size_t) n >= sizeof a.sun_path) {
        if (!quiet)
            fprintf(stderr, "modkit: socket path too long: %s\n", out);
        return -1;
    }
    return 0;
}

static int connect_to(const char *path) {
    struct sockaddr_un a;
    memset(&a, 0, sizeof a);
    a.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof a.sun_path)
        return -1;
    strcpy(a.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    if (connect(fd, (struct sockaddr *) &a, sizeof a) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Runs the command in a JVM of its own: the command line bin/modkit would have run. */
static int run_jvm(char **java_argv) {
    signal(SIGPIPE, SIG_DFL); /* (an ignored signal stays ignored across exec) */
    execv(java_argv[0], java_argv);
    fprintf(stderr, "modkit: cannot run %s: %s\n", java_argv[0], strerror(errno));
    return 127;
}

/* Sends the request; relays frames until the exit code. Returns the exit code, or -1 if the server refused
 * before anything was relayed (the caller then runs the JVM), or 70 if the server went away midway. */
static int relay(int fd, char **args, int count) {
    struct buf b = {0};
    put(&b, "MKS1", 4);
    put_u32(&b, (uint32_t) count);
    for (int i = 0; i < count; i++)
        put_str(&b, args[i]);
    uint32_t envc = 0;
    for (char **e = environ; *e; e++)
        envc++;
    put_u32(&b, envc);
    for (char **e = environ; *e; e++)
        put_str(&b, *e);
    char *cwd = getcwd(NULL, 0);
    if (!cwd) {
        fprintf(stderr, "modkit: cannot read the working directory: %s\n", strerror(errno));
        return 1;
    }
    put_str(&b, cwd);
    free(cwd);
    mode_t mask = umask(022);
    umask(mask);
    put_u32(&b, (uint32_t) mask);
    if (write_all(fd, b.data, b.len) != 0)
        return -1;
    free(b.data);
    int relayed = 0;
    unsigned char *payload = NULL;
    size_t cap = 0;
    for (;;) {
        unsigned char head[5];
        int r = read_all(fd, head, 5);
        if (r != 0) {
            if (!relayed)
                return -1;
            fputs("modkit: the server went away before the command finished\n", stderr);
            return 70;
        }
        uint32_t len = (uint32_t) head[1] << 24 | (uint32_t) head[2] << 16 | (uint32_t) head[3] << 8 | head[4];
        if (len > cap) {
            free(payload);
            cap = len;
            payload = malloc(cap);
            if (!payload) {
                fputs("modkit: out of memory\n", stderr);
                return 70;
            }
        }
        if (len > 0 && read_all(fd, payload, len) != 0) {
            fputs("modkit: the server went away before the command finished\n", stderr);
            return 70;
        }
        switch (head[0]) {
        case 1:
        case 2:
            relayed = 1;
            /* (a closed stdout, as with "| head", is the reader's business: keep the exit code coming) */
            write_all(head[0], payload, len);
            break;
        case 3:
            if (len != 4)
                return 70;
            return (int) ((uint32_t) payload[0] << 24 | (uint32_t) payload[1] << 16 | (uint32_t) payload[2] << 8
                    | payload[3]);
        case 4:
            if (!relayed)
                return -1;
            return 70;
        default:
            fputs("modkit: the server sent a frame this client does not know (rebuild modkit)\n", stderr);
            return 70;
        }
    }
}

int main(int argc, char **argv) {
    char path[256];
    if (argc == 3 && strcmp(argv[1], "--socket") == 0) {
        if (socket_path(argv[2], path, sizeof path, 0) != 0)
            return 1;
        puts(path);
        return 0;
    }
    if (argc == 3 && strcmp(argv[1], "--ping") == 0) {
        int fd = connect_to(argv[2]);
        if (fd < 0)
            return 1;
        close(fd);
        return 0;
    }
    if (argc < 4) {
        fputs("usage: modkit-client HERE COUNT JAVA ARGS... | --socket HERE | --ping SOCKET\n", stderr);
        return 2;
    }
    char **java_argv = argv + 3;
    int java_argc = argc - 3;
    int count = atoi(argv[2]);
    if (count < 0 || count > java_argc - 1)
        return run_jvm(java_argv);
    /* A JVM carries on when its reader goes away ("| head"), and so does this: writes fail with EPIPE instead. */
    signal(SIGPIPE, SIG_IGN);
    /* (quietly: a directory it refuses is reported by "modkit server start", not by every command) */
    int fd = socket_path(argv[1], path, sizeof path, 1) == 0 ? connect_to(path) : -1;
    if (fd < 0)
        return run_jvm(java_argv);
    int code = relay(fd, java_argv + java_argc - count, count);
    close(fd);
    if (code < 0)
        return run_jvm(java_argv);
    return code;
}
