// The nines binary: everything lives in the library; this only hands over the arguments.
#include "cli/cli.hpp"

int main(int argc, char** argv) {
  return nines::cli_main(argc, argv);
}
