/* signalling.h: the one signalling thread (libre's event loop).
 *
 * libre objects are not thread safe, so every SIP and SER action runs on
 * this thread.  Other threads ask for work with signalling_call(), which
 * crosses over through a libre mqueue.
 */
#ifndef CORE_SIGNALLING_H
#define CORE_SIGNALLING_H

typedef void (signalling_fn)(void *arg);

int  signalling_init(void);
void signalling_close(void);
/* Runs fn(arg) on the signalling thread, soon.  Any thread.  On failure
 * (only ENOMEM) fn is not called and the error is returned. */
int  signalling_call(signalling_fn *fn, void *arg);

#endif
