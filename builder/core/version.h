#ifndef KBUILD_VERSION_H
#define KBUILD_VERSION_H
#define KBUILD_VERSION "0.1.0"
#endif
