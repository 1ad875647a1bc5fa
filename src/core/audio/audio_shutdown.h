/* audio_shutdown.h: what the server calls of the audio subsystem at exit. */
#ifndef CORE_AUDIO_SHUTDOWN_H
#define CORE_AUDIO_SHUTDOWN_H

/* Completes every recording still open (drained, header final, closed)
 * and stops the writer thread. */
void audio_shutdown(void);

#endif
