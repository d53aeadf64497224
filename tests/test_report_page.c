#include "suites.h"
Suite *report_page_suite(void) { return suite_create("report_page"); }
