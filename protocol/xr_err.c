/*
** Names and messages of the core's error codes (see xr_err.h).
*/
#include "xr_err.h"

const char *xr_err_name(int code) {
    switch (code) {
#define XR_ERR_NAME_(name, c, msg) case c: return #name;
        XR_ERR_LIST(XR_ERR_NAME_)
#undef XR_ERR_NAME_
    default: return "XR_ERR_UNKNOWN";
    }
}

const char *xr_err_message(int code) {
    switch (code) {
#define XR_ERR_MSG_(name, c, msg) case c: return msg;
        XR_ERR_LIST(XR_ERR_MSG_)
#undef XR_ERR_MSG_
    default: return "unknown error";
    }
}
