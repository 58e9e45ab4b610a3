/*
** Writing an output file that is not a results database (`xrsim report
** --out r.html`) without clobbering anything: the text goes into a new
** temporary next to the target, created exclusively and never through a
** symbolic link, and is renamed over the target only when it is complete
** and the target is absent or a regular file that is not an SQLite
** database.  A symbolic link, a device, a directory or a results file at
** the target is refused and left as it was.
*/
#ifndef AN_OUTFILE_H
#define AN_OUTFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* An output being written: the stream and the temporary's name. */
typedef struct an_outfile {
    FILE *f;
    char *tmp_path;
    const char *path;
} an_outfile;

/* 0 when `path` may be written: it does not exist, or it is a regular
** file (not a link) that is not an SQLite database; else
** AN_ERR_REFUSED (an_error.h) with the reason in err. */
int an_outfile_check(const char *path, char *err, size_t err_len);

/* Checks `path` and creates its temporary "<path>.tmp-<pid>-<n>" with
** O_CREAT|O_EXCL|O_NOFOLLOW; fills *o.  Returns 0, AN_ERR_REFUSED or
** AN_ERR_IO. */
int an_outfile_begin(an_outfile *o, const char *path, char *err, size_t err_len);

/* When `keep` is true: flushes and syncs the temporary, checks the target
** again and renames the temporary over it.  Otherwise, or on any failure,
** removes the temporary.  Always releases *o.  Returns 0, AN_ERR_REFUSED or
** AN_ERR_IO (then the target is as it was). */
int an_outfile_end(an_outfile *o, bool keep, char *err, size_t err_len);

#endif
