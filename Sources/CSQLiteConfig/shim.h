#include <sqlite3.h>

/// Turns off SQLite's memory statistics before the first connection opens: with them on, every
/// allocation SQLite makes takes one process-wide mutex, and two connections reading at once (synthesis
/// reads the requests and the flows side by side) wait on each other. Swift cannot call the variadic
/// `sqlite3_config`. Returns SQLITE_OK, or SQLITE_MISUSE when SQLite was already initialized.
static inline int perimeter_sqlite_memstatus_off(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
