/* Placeholder so the core library has a source before any other lands. */
#include <config.h>

int qemuEmptyPlaceholder(void);

int
qemuEmptyPlaceholder(void)
{
    return 0;
}
