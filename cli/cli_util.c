/*
** Helpers shared by `xrsim run` and `xrsim check` (see cli_util.h).
*/
#include "cli_util.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

char *cli_join_argv(int argc, char **argv) {
    size_t n = strlen("xrsim") + 1;
    for (int i = 0; i < argc; i++) n += strlen(argv[i]) + 1;
    char *s = malloc(n);
    if (!s) return NULL;
    strcpy(s, "xrsim");
    for (int i = 0; i < argc; i++) {
        strcat(s, " ");
        strcat(s, argv[i]);
    }
    return s;
}

void cli_make_parent_dir(const char *path) {
    const char *slash = strrchr(path, '/');
    if (!slash || slash == path) return;
    char dir[4096];
    size_t n = (size_t)(slash - path);
    if (n >= sizeof dir) return;
    memcpy(dir, path, n);
    dir[n] = '\0';
    mkdir(dir, 0777);
}

double cli_since(const struct timespec *t0) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) * 1e-9;
}
