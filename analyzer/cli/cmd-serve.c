#include "commands.h"
int cmd_serve (int argc, char **argv) { warn ("serve: not built yet"); return EXIT_USAGE; }
