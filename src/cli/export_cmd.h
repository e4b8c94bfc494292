/* forkscope export --format perfetto|dot|mermaid|svg [-o OUT] RECORDING. */
#ifndef FORKSCOPE_EXPORT_CMD_H
#define FORKSCOPE_EXPORT_CMD_H

#include "base/options.h"

/* Read the recording, write the export to -o OUT or stdout; 0, or 1 with one line on
 * stderr (a recording it cannot read, an OUT it cannot write). */
int export_command(const struct fs_cli *cli);

#endif
