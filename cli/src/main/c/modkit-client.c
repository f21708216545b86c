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
 * The protocol (all integers 32-bit big-endian) is modkit.cli.server.ServerProtocol's: a request "MKS2", the
 * client's character set, the arguments, the environment, the working directory and the umask; then frames back:
 * 1 stdout, 2 stderr (bytes), 3 the exit code, 4 refused (the server was built from another jar and is going away),
 * 5 ready (the server is about to run the command). The client answers "ready" with one byte, "go", unless it has
 * waited too long (the server is busy with another client's long command): then it closes and runs the JVM itself,
 * and the server, finding the connection closed, does not run the command. So a command runs once, here or there.
 * Once it runs, the client sends nothing more; its going away (Ctrl-C) is the server's sign to interrupt it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
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
    int n;
    /* ($XDG_RUNTIME_DIR only if it is this user's own, closed to others: after su without -, it can be the other
     * user's, who could swap our directory for theirs) */
    if (xdg && *xdg == '/' && stat(xdg, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == getuid()
            && (st.st_mode & 022) == 0)
        n = snprintf(out, size, "%s/modkit", xdg);
    else
        n = snprintf(out, size, "/tmp/modkit-%u", (unsigned) getuid());
    if (n < 0 || (size_t) n >= size) {
        if (!quiet)
            fprintf(stderr, "modkit: XDG_RUNTIME_DIR is too long for a socket path: %s\n", xdg);
        return -1;
    }
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

/* Whether the server reads S back as the same bytes: valid UTF-8 (utf8), or ASCII. */
static int fits(const char *s, int utf8) {
    const unsigned char *p = (const unsigned char *) s;
    while (*p) {
        if (*p < 0x80) {
            p++;
            continue;
        }
        if (!utf8)
            return 0;
        int n = (*p & 0xe0) == 0xc0 ? 1 : (*p & 0xf0) == 0xe0 ? 2 : (*p & 0xf8) == 0xf0 ? 3 : -1;
        if (n < 0 || (n == 1 && *p < 0xc2) || (n == 3 && *p > 0xf4))
            return 0;
        unsigned cp = *p & (0x3f >> n);
        for (int i = 1; i <= n; i++) {
            if ((p[i] & 0xc0) != 0x80)
                return 0;
            cp = cp << 6 | (p[i] & 0x3f);
        }
        if ((n == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)))
            return 0;
        p += n + 1;
    }
    return 1;
}

/* How long to wait for the server to take the command before running it in a JVM of its own instead. */
#define READY_WAIT_MS 2000

/* Sends the request; relays frames until the exit code. Returns the exit code, -1 if the command was not run
 * there (refused, or the server did not take it in time: the caller runs the JVM), or 70 if the server went away
 * while it ran the command. */
static int relay(int fd, const char *codeset, char **args, int count) {
    struct buf b = {0};
    put(&b, "MKS2", 4);
    put_str(&b, codeset);
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
    if (!cwd)
        return -1; /* (its own JVM says what is wrong with the working directory, as it would without a server) */
    /* The server reads every string in the client's character set and writes file names and the children's
     * environment in UTF-8: a byte it would read otherwise (not UTF-8, or not ASCII in an ASCII locale) would not
     * come back the same, so such a command runs in its own JVM. */
    int utf8 = strcmp(codeset, "UTF-8") == 0;
    int same = fits(cwd, utf8);
    for (int i = 0; same && i < count; i++)
        same = fits(args[i], utf8);
    for (char **e = environ; same && *e; e++)
        same = fits(*e, utf8);
    if (!same) {
        free(cwd);
        return -1;
    }
    put_str(&b, cwd);
    free(cwd);
    mode_t mask = umask(022);
    umask(mask);
    put_u32(&b, (uint32_t) mask);
    if (write_all(fd, b.data, b.len) != 0)
        return -1;
    free(b.data);
    int committed = 0; /* past this, the command runs (or ran) in the server: never again here */
    unsigned char *payload = NULL;
    size_t cap = 0;
    for (;;) {
        if (!committed) {
            struct pollfd p = {fd, POLLIN, 0};
            int r;
            do
                r = poll(&p, 1, READY_WAIT_MS);
            while (r < 0 && errno == EINTR);
            if (r <= 0)
                return -1;
        }
        unsigned char head[5];
        if (read_all(fd, head, 5) != 0) {
            if (!committed)
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
            if (!committed)
                return -1;
            fputs("modkit: the server went away before the command finished\n", stderr);
            return 70;
        }
        switch (head[0]) {
        case 1:
        case 2:
            committed = 1;
            /* (a closed stdout, as with "| head", is the reader's business: keep the exit code coming) */
            write_all(head[0], payload, len);
            break;
        case 3:
            if (len != 4)
                return 70;
            /* (as the system reports a process's: the low 8 bits, never a negative that would mean "not run") */
            return payload[3];
        case 4:
            return committed ? 70 : -1;
        case 5:
            if (committed)
                return 70;
            if (write_all(fd, (const unsigned char *) "g", 1) != 0)
                return -1; /* (gone: the server will not run it either) */
            committed = 1;
            break;
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
    /* The server's file names are UTF-8 (bin/modkit starts it so): a client in another character set, whose
     * arguments and names the server would read wrongly, runs its own JVM. */
    setlocale(LC_CTYPE, "");
    const char *codeset = nl_langinfo(CODESET);
    if (strcmp(codeset, "UTF-8") != 0 && strcmp(codeset, "ANSI_X3.4-1968") != 0)
        return run_jvm(java_argv);
    /* A JVM carries on when its reader goes away ("| head"), and so does this: writes fail with EPIPE instead. */
    signal(SIGPIPE, SIG_IGN);
    /* (quietly: a directory it refuses is reported by "modkit server start", not by every command) */
    int fd = socket_path(argv[1], path, sizeof path, 1) == 0 ? connect_to(path) : -1;
    if (fd < 0)
        return run_jvm(java_argv);
    int code = relay(fd, codeset, java_argv + java_argc - count, count);
    close(fd);
    if (code < 0)
        return run_jvm(java_argv);
    return code;
}
