/*
** Writing a non-results output file safely (see an_outfile.h).
*/
#include "an_outfile.h"
#include "an_error.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int an_outfile_check(const char *path, char *err, size_t err_len) {
    assert(path != NULL);
    struct stat st;
    if (path[0] == '\0') return an_fail(err, err_len, AN_ERR_REFUSED, "empty output file name");
    if (lstat(path, &st) != 0) {
        if (errno == ENOENT) return 0;
        return an_fail(err, err_len, AN_ERR_REFUSED, "cannot look at '%s': %s", path, strerror(errno));
    }
    if (S_ISLNK(st.st_mode)) {
        return an_fail(err, err_len, AN_ERR_REFUSED,
                    "'%s' is a symbolic link; refusing to replace it (name a new or regular file)", path);
    }
    if (!S_ISREG(st.st_mode)) {
        return an_fail(err, err_len, AN_ERR_REFUSED, "'%s' is %s, not a regular file; refusing to replace it",
                    path, S_ISDIR(st.st_mode) ? "a directory" : "a device, socket or pipe");
    }
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return an_fail(err, err_len, AN_ERR_REFUSED, "cannot read '%s': %s", path, strerror(errno));
    char head[16];
    ssize_t got = read(fd, head, sizeof head);
    close(fd);
    static const char magic[16] = "SQLite format 3"; /* with its NUL */
    if (got == (ssize_t)sizeof head && memcmp(head, magic, sizeof magic) == 0) {
        return an_fail(err, err_len, AN_ERR_REFUSED,
                    "'%s' is an SQLite database (a results file?); refusing to replace it", path);
    }
    return 0;
}

int an_outfile_begin(an_outfile *o, const char *path, char *err, size_t err_len) {
    assert(o != NULL && path != NULL);
    memset(o, 0, sizeof *o);
    int code = an_outfile_check(path, err, err_len);
    if (code) return code;
    size_t len = strlen(path) + 48;
    o->tmp_path = malloc(len);
    if (!o->tmp_path) return an_fail(err, err_len, AN_ERR_IO, "out of memory");
    int fd = -1;
    for (int n = 0; fd < 0 && n < 100; n++) {
        snprintf(o->tmp_path, len, "%s.tmp-%ld-%d", path, (long)getpid(), n);
        fd = open(o->tmp_path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
        if (fd < 0 && errno != EEXIST) break;
    }
    if (fd < 0) {
        code = an_fail(err, err_len, AN_ERR_IO, "cannot write '%s' (its temporary '%s'): %s", path, o->tmp_path,
                    strerror(errno));
        free(o->tmp_path);
        o->tmp_path = NULL;
        return code;
    }
    o->f = fdopen(fd, "w");
    if (!o->f) {
        code = an_fail(err, err_len, AN_ERR_IO, "cannot write '%s': %s", o->tmp_path, strerror(errno));
        close(fd);
        unlink(o->tmp_path);
        free(o->tmp_path);
        o->tmp_path = NULL;
        return code;
    }
    o->path = path;
    return 0;
}

int an_outfile_end(an_outfile *o, bool keep, char *err, size_t err_len) {
    assert(o != NULL && o->f != NULL && o->tmp_path != NULL);
    int code = 0;
    if (keep && (fflush(o->f) != 0 || ferror(o->f) || fsync(fileno(o->f)) != 0)) {
        code = an_fail(err, err_len, AN_ERR_IO, "writing '%s' failed: %s", o->tmp_path, strerror(errno));
    }
    if (fclose(o->f) != 0 && keep && code == 0) {
        code = an_fail(err, err_len, AN_ERR_IO, "writing '%s' failed: %s", o->tmp_path, strerror(errno));
    }
    if (keep && code == 0) code = an_outfile_check(o->path, err, err_len); /* it may have changed meanwhile */
    if (keep && code == 0 && rename(o->tmp_path, o->path) != 0) {
        code = an_fail(err, err_len, AN_ERR_IO, "cannot rename '%s' to '%s': %s", o->tmp_path, o->path,
                    strerror(errno));
    }
    if (!keep || code != 0) unlink(o->tmp_path);
    free(o->tmp_path);
    memset(o, 0, sizeof *o);
    return code;
}
