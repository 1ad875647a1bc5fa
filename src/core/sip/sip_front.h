/* sip_front.h: direct SIP (UDP and TCP) with libre. Signalling thread. */
#ifndef CORE_SIP_FRONT_H
#define CORE_SIP_FRONT_H

int  sip_front_start(const char *ip, unsigned port, const char *signature);
/* Stops taking calls; sessions still up get their BYE from the apps. */
void sip_front_stop(void);

#endif
