/* forkscope doctor: what tracing needs here, one line per check with what to do. */
#ifndef FORKSCOPE_DOCTOR_H
#define FORKSCOPE_DOCTOR_H

/* Prints the checks on stdout; 0 when tracing can work here, 1 otherwise. */
int doctor_command(void);

#endif
