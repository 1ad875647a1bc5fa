/* ser_front.h: the Kamailio/SER front (t_write_unix in, JSON-RPC out).
 *
 *   socket_name=/tmp/sems_sock               t_write_unix("/tmp/sems_sock","ivr")
 *   ser_socket_name=/tmp/kamailio_rpc.sock   jsonrpcs dgram_socket
 *   reply_socket_name=/tmp/sems_rpc_reply.sock
 *
 * Signalling thread only.
 */
#ifndef CORE_SER_FRONT_H
#define CORE_SER_FRONT_H

#define SER_DEFAULT_RPC_SOCKET   "/tmp/kamailio_rpc.sock"
#define SER_DEFAULT_REPLY_SOCKET "/tmp/sems_rpc_reply.sock"

/* Binds core_cfg.socket_name (a stale file is removed; a socket another
 * live server reads is refused with EADDRINUSE) and the RPC reply socket.
 * Does nothing when socket_name is empty. */
int  ser_front_start(void);
void ser_front_stop(void);

#endif
