/*
** The one error helper of analysis/ (see an_error.h).
*/
#include "an_error.h"

#include <stdarg.h>
#include <stdio.h>

const char *an_err_name(int code) {
    static const char *const names[] = {
        "ok",   "open",      "not_sqlite", "foreign", "newer", "name",    "sql",     "io",  "nomem",
        "no_run_col", "input", "duplicate", "mixed", "metric", "ignore", "nothing", "gsl",
        "refused",
    };
    if (code > 0 || (size_t)-code >= sizeof names / sizeof names[0]) return "?";
    return names[-code];
}

int an_fail(char *err, size_t err_len, int code, const char *fmt, ...) {
    if (err && err_len > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, err_len, fmt, ap);
        va_end(ap);
    }
    return code;
}
