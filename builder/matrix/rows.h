/* The rows of a matrix run as child kbuild processes, side by side as the
 * plan allows, and the summary table (matrix/plan.h has the plan). */
#ifndef KBUILD_MATRIX_ROWS_H
#define KBUILD_MATRIX_ROWS_H

/* Parses the matrix command line (matrix_parse), runs every row and prints
 * the table. Returns the worst exit code of the rows (2 for bad arguments). */
int matrix_main(const char *home, int argc, char **argv);

#endif
