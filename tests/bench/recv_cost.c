/* recv_cost.c: what reading one RTP packet per socket per tick costs the
 * receiving thread (its CPU time, so other jobs on the box matter little):
 * recvfrom() until EAGAIN (media_rx.c), one recvmmsg() of 16, and the
 * EAGAIN read of an idle socket (what parking saves).  docs/performance.md
 * has the figures.
 *
 *   cc -O2 -o build/recv_cost tests/bench/recv_cost.c && build/recv_cost
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <time.h>
#include <netinet/in.h>
#include <sys/socket.h>

enum { SOCKETS = 500, ROUNDS = 400, BATCH = 16, REPEATS = 5, BUF = 2048 };

static int rx[SOCKETS], tx;
static struct sockaddr_in addr[SOCKETS];

static double thread_cpu_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* one 172-byte packet (PCMU, 20 ms) to every socket */
static void send_round(void)
{
	char pkt[172] = { (char)0x80 };

	for (int i = 0; i < SOCKETS; i++)
		(void)sendto(tx, pkt, sizeof(pkt), 0,
			     (struct sockaddr *)&addr[i], sizeof(addr[i]));
}

static long read_recvfrom(int fd, int until_eagain)
{
	char buf[BUF];
	struct sockaddr_storage src;
	socklen_t len;
	long n = 0;

	do {
		len = sizeof(src);
		if (recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT,
			     (struct sockaddr *)&src, &len) < 0)
			break;
		n++;
	} while (until_eagain);
	return n;
}

static long read_recvmmsg(int fd)
{
	static char buf[BATCH][BUF];
	struct sockaddr_storage src[BATCH];
	struct mmsghdr msg[BATCH];
	struct iovec iov[BATCH];
	int got;

	for (int k = 0; k < BATCH; k++) {
		iov[k] = (struct iovec){ .iov_base = buf[k], .iov_len = BUF };
		msg[k].msg_hdr = (struct msghdr){
			.msg_name = &src[k], .msg_namelen = sizeof(src[k]),
			.msg_iov = &iov[k], .msg_iovlen = 1 };
	}
	got = recvmmsg(fd, msg, BATCH, MSG_DONTWAIT, NULL);
	return got > 0 ? got : 0;
}

/* way 0: recvfrom until EAGAIN, 1: recvmmsg, 2: idle sockets, one read */
static void measure(int way)
{
	static const char *name[] = { "recvfrom until EAGAIN", "recvmmsg(16)",
				      "idle socket, one recvfrom" };
	double spent = 0;
	long packets = 0;

	for (int r = 0; r < ROUNDS; r++) {
		if (way < 2)
			send_round();
		double t0 = thread_cpu_s();
		for (int i = 0; i < SOCKETS; i++)
			packets += way == 1 ? read_recvmmsg(rx[i])
					    : read_recvfrom(rx[i], way == 0);
		spent += thread_cpu_s() - t0;
	}
	printf("%-28s %7ld packets  %5.0f ns per socket and tick\n", name[way],
	       packets, spent * 1e9 / (SOCKETS * ROUNDS));
}

int main(void)
{
	tx = socket(AF_INET, SOCK_DGRAM, 0);
	for (int i = 0; i < SOCKETS; i++) {
		socklen_t len = sizeof(addr[i]);

		addr[i] = (struct sockaddr_in){
			.sin_family = AF_INET,
			.sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
		rx[i] = socket(AF_INET, SOCK_DGRAM, 0);
		if (rx[i] < 0 ||
		    bind(rx[i], (struct sockaddr *)&addr[i], sizeof(addr[i])) ||
		    getsockname(rx[i], (struct sockaddr *)&addr[i], &len)) {
			perror("socket");
			return 1;
		}
	}
	for (int rep = 0; rep < REPEATS; rep++)
		for (int way = 0; way < 3; way++)
			measure(way);
	return 0;
}
