/* listen.h (core): hooks of the WebSocket listen taps for the session code. */
#ifndef CORE_LISTEN_H
#define CORE_LISTEN_H

struct sems_session;

/* The session ends: its tap, if any, is closed (no event follows). */
void listen_session_end(struct sems_session *s);
/* A key press of the session, forwarded as a JSON text frame. */
void listen_session_dtmf(struct sems_session *s, int key, unsigned ms);

#endif
