/* main.c: the `sems` binary: command line, start-up order, shutdown.
 *
 * Start-up: config, (fork), media threads, session workers, plug-ins,
 * then the signalling fronts; the main thread then runs libre's loop as
 * the signalling thread until SIGINT/SIGTERM.  Shutdown asks every session
 * to end (SEMS_EV_SHUTDOWN) and keeps the loop running a short while so
 * their BYEs go out.
 */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <re.h>
#include <sems/log.h>
#include "audio/audio_shutdown.h"
#include "core_config.h"
#include "fd_limit.h"
#include "http/http_server.h"
#include "metrics/metrics.h"
#include "log_internal.h"
#include "malloc_setup.h"
#include "media/rtp_stream.h"
#include "plugin_loader.h"
#include "session/session_internal.h"
#include "ser/ser_front.h"
#include "signalling.h"
#include "sip/sip_front.h"
#include "session/worker_pool.h"

#define SEMS_VERSION "0.1.0"
#define DEFAULT_CONFIG "/usr/local/etc/sems/sems.conf"
#define SHUTDOWN_GRACE_MS 3000
#define SIGNALLING_FLUSH_MS 200
#define WATCHED_FDS_MAX 65536

struct options {
	const char *config_file;
	const char *pid_file;
	int debug_level;           /* -1: from the config */
	bool foreground;
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: sems [-f FILE] [-E] [-D LEVEL] [-P PIDFILE] [-v] [-h]\n"
		"  -f FILE     configuration file (default %s)\n"
		"  -E          stay in the foreground and log to stderr\n"
		"  -D LEVEL    log level 0 (errors) .. 3 (debug)\n"
		"  -P PIDFILE  write the process id to PIDFILE\n"
		"  -v          print the version and exit\n"
		"  -h          this help\n", DEFAULT_CONFIG);
}

/* Returns -1 to go on, else the exit status. */
static int parse_options(int argc, char **argv, struct options *o)
{
	int c;
	*o = (struct options){ DEFAULT_CONFIG, NULL, -1, false };
	while ((c = getopt(argc, argv, "f:ED:P:vh")) != -1) {
		switch (c) {
		case 'f': o->config_file = optarg; break;
		case 'E': o->foreground = true; break;
		case 'P': o->pid_file = optarg; break;
		case 'D':
			if (optarg[0] < '0' || optarg[0] > '3' || optarg[1]) {
				fprintf(stderr, "sems: -D takes a level from 0 to 3\n");
				return 2;
			}
			o->debug_level = optarg[0] - '0';
			break;
		case 'v': printf("sems %s\n", SEMS_VERSION); return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		usage(stderr);
		return 2;
	}
	return -1;
}

/* fds 0-2 closed by whoever started us would be taken by the first
 * sockets or files we open, and logs or stray writes would land there:
 * /dev/null takes them first.  Returns true if stderr was closed. */
static bool std_fds_sanitize(void)
{
	bool err_closed = false;

	for (int fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		if (fd == 2)
			err_closed = true;
		int n = open("/dev/null", fd ? O_WRONLY : O_RDONLY);
		if (n >= 0 && n != fd) {     /* cannot happen: lowest free fd */
			(void)dup2(n, fd);
			close(n);
		}
	}
	return err_closed;
}

/* The pid in a pid file, 0 if none can be read. */
static long pid_file_read(const char *path)
{
	char buf[32] = "";
	long pid = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n > 0) {
		buf[n] = '\0';
		char *end;
		pid = strtol(buf, &end, 10);
		if (end == buf || (*end && *end != '\n') || pid <= 0)
			pid = 0;
	}
	return pid;
}

static bool pid_alive(long pid)
{
	return pid > 0 && (kill((pid_t)pid, 0) == 0 || errno == EPERM);
}

/* Refuses the pid file of a live process (EEXIST); a stale one (its
 * process is gone, or it holds no pid) is removed. */
static int pid_file_check(const char *path)
{
	long pid = pid_file_read(path);

	if (pid && pid != (long)getpid() && pid_alive(pid)) {
		SEMS_ERROR("pid file %s belongs to running process %ld: not "
			   "starting", path, pid);
		return EEXIST;
	}
	if (access(path, F_OK) == 0) {
		SEMS_WARN("replacing stale pid file %s (%s)", path,
			  pid ? "its process is gone" : "no pid in it");
		if (unlink(path) && errno != ENOENT) {
			int err = errno;
			SEMS_ERROR("cannot remove pid file %s: %s", path,
				   strerror(err));
			return err;
		}
	}
	return 0;
}

/* Created exclusively: two servers cannot both believe the file is
 * theirs.  Write errors (a full disk) are reported. */
static int write_pid_file(const char *path)
{
	char buf[32];
	int err = 0, fd;

	for (int tries = 0; tries < 2; tries++) {
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd >= 0 || errno != EEXIST)
			break;
		err = pid_file_check(path);   /* appeared meanwhile */
		if (err)
			return err;
	}
	if (fd < 0) {
		err = errno;   /* logging may change errno */
		SEMS_ERROR("cannot create pid file %s: %s", path, strerror(err));
		return err;
	}
	int n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (write(fd, buf, (size_t)n) != n)
		err = errno ? errno : EIO;
	if (close(fd) && !err)
		err = errno;
	if (err) {
		SEMS_ERROR("cannot write pid file %s: %s", path, strerror(err));
		unlink(path);
	}
	return err;
}

/* Only our own: another server may have taken the name since. */
static void remove_pid_file(const char *path)
{
	long pid = pid_file_read(path);

	if (pid == (long)getpid())
		unlink(path);
	else
		SEMS_WARN("pid file %s is not ours any more (pid %ld): left "
			  "alone", path, pid);
}

/* Memory of ended calls goes back to the system once the server is idle:
 * glibc keeps freed memory in its arenas (the workers' and media threads'
 * too), so without this the RSS stays at the busiest moment's for good
 * (bench: 1000 calls, 60 s later still +73 % over idle; trimmed, +6 %).
 * Only while no session is up, so no thread waits on an arena lock
 * mid-call; every IDLE_TRIM_MS, as ended calls' SIP transactions expire
 * for 32 s after them. */
enum { IDLE_TRIM_MS = 10000 };
static struct tmr idle_trim_tmr;

static void idle_trim(void *arg)
{
	(void)arg;
	if (session_count() == 0)
		(void)malloc_trim(0);
	tmr_start(&idle_trim_tmr, IDLE_TRIM_MS, idle_trim, NULL);
}

static struct tmr shutdown_tmr;
static unsigned shutdown_waited_ms;
static bool shutdown_forced;

/* Calls may go on for max_shutdown_time after onServerShutdown (to say
 * goodbye); then every session still alive is stopped, which sends its
 * BYE, and the loop waits a little for those to go out. */
static void shutdown_poll(void *arg)
{
	unsigned limit_ms = core_cfg.max_shutdown_time * 1000;

	(void)arg;
	shutdown_waited_ms += 50;
	if (session_count() == 0 ||
	    shutdown_waited_ms >= limit_ms + SHUTDOWN_GRACE_MS) {
		re_cancel();
		return;
	}
	if (!shutdown_forced && shutdown_waited_ms >= limit_ms) {
		shutdown_forced = true;
		SEMS_INFO("max_shutdown_time reached: ending %u sessions",
			  session_count());
		session_stop_all();
	}
	tmr_start(&shutdown_tmr, 50, shutdown_poll, NULL);
}

static void on_signal(int sig)
{
	static bool stopping;
	if (stopping) {
		re_cancel();
		return;
	}
	stopping = true;
	SEMS_INFO("signal %d: shutting down (%u sessions)", sig, session_count());
	session_post_all(SEMS_EV_SHUTDOWN);
	tmr_start(&shutdown_tmr, 50, shutdown_poll, NULL);
}

/* SIGUSR1/SIGUSR2 reach every live session as onUser1/onUser2; SIGHUP
 * reloads the plug-ins (ivr: every script), here on this thread.  They
 * are blocked in every thread (the mask is inherited) and taken by this
 * one.  A SIGHUP before the plug-ins are up, or during shutdown, is
 * ignored. */
static sigset_t user_signals;
static bool reload_ready;          /* under reload_lock */
static pthread_mutex_t reload_lock = PTHREAD_MUTEX_INITIALIZER;

static void reload_allow(bool on)
{
	pthread_mutex_lock(&reload_lock);   /* waits for a reload running */
	reload_ready = on;
	pthread_mutex_unlock(&reload_lock);
}

static void *user_signal_thread(void *arg)
{
	int sig;

	(void)arg;
	while (!sigwait(&user_signals, &sig)) {
		if (sig == SIGHUP) {
			pthread_mutex_lock(&reload_lock);
			if (!reload_ready) {
				SEMS_WARN("SIGHUP: not running yet (or stopping): "
					  "ignored");
			} else {
				SEMS_INFO("SIGHUP: reloading scripts (%u sessions "
					  "live)", session_count());
				metric_add(&metrics.reloads, 1);
				plugin_reload_all();
			}
			pthread_mutex_unlock(&reload_lock);
			continue;
		}
		SEMS_INFO("signal %d: to %u sessions", sig, session_count());
		session_post_all(sig == SIGUSR1 ? SEMS_EV_USER1 : SEMS_EV_USER2);
	}
	return NULL;
}

static int user_signals_setup(void)
{
	pthread_t tid;
	int err;

	sigemptyset(&user_signals);
	sigaddset(&user_signals, SIGUSR1);
	sigaddset(&user_signals, SIGUSR2);
	sigaddset(&user_signals, SIGHUP);
	err = pthread_sigmask(SIG_BLOCK, &user_signals, NULL);
	if (!err)
		err = pthread_create(&tid, NULL, user_signal_thread, NULL);
	if (!err)
		pthread_detach(tid);
	return err;
}

/* Every call holds an RTP socket, so the default soft limit of 1024 open
 * files would cap the server near 1000 calls: raise it up to the hard
 * limit.  libre (1.1.0) also watches only fds below 1024 unless told
 * otherwise, and RTP sockets take the low numbers: past ~1000 calls a
 * SIP/TCP connection would be refused.  Watch as many as we may open. */
static void watched_fds_setup(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl))
		return;
	rlim_t want = rl.rlim_max < WATCHED_FDS_MAX ? rl.rlim_max : WATCHED_FDS_MAX;
	if (rl.rlim_cur < want) {
		rl.rlim_cur = want;
		if (setrlimit(RLIMIT_NOFILE, &rl))
			SEMS_WARN("cannot raise the open file limit: %s", strerror(errno));
		(void)getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur <= 1024)
		return;
	int n = rl.rlim_cur > WATCHED_FDS_MAX ? WATCHED_FDS_MAX : (int)rl.rlim_cur;
	int err = fd_setsize(n);
	if (err)
		SEMS_WARN("cannot watch %d file descriptors: %s", n, strerror(err));
}

static int start_services(void)
{
	int err = signalling_init();
	if (!err)
		err = media_start(core_cfg.media_threads, core_cfg.rtp_low_port,
				  core_cfg.rtp_high_port, core_cfg.dead_rtp_time);
	if (!err)
		err = worker_pool_start(core_cfg.session_threads,
					core_cfg.session_threads_max);
	if (!err)
		err = plugin_load_all(core_cfg.plugin_path, core_cfg.load_plugins,
				      core_cfg.plugin_config_path);
	if (!err)
		err = sip_front_start(core_cfg.sip_ip, core_cfg.sip_port,
				      core_cfg.signature);
	if (!err)
		err = ser_front_start();
	if (!err)
		err = http_server_start(core_cfg.http_listen, core_cfg.http_token);
	return err;
}

static void stop_loop(void *arg)
{
	(void)arg;
	re_cancel();
}

/* The workers finish what they are running first; whatever replies and
 * BYEs they queued for the signalling thread then still go out. */
static void stop_services(void)
{
	worker_pool_stop();
	tmr_start(&shutdown_tmr, SIGNALLING_FLUSH_MS, stop_loop, NULL);
	(void)re_main(NULL);
	tmr_cancel(&shutdown_tmr);
	http_server_stop();
	ser_front_stop();
	sip_front_stop();
	media_stop();
	plugin_close_all();
	audio_shutdown();      /* recordings still open are completed */
	signalling_close();
}

int main(int argc, char **argv)
{
	struct options opt;
	char errbuf[512];
	bool stderr_closed = std_fds_sanitize();   /* before any open() */
	malloc_setup_reexec(argv);
	int rc = parse_options(argc, argv, &opt);
	if (rc >= 0)
		return rc;

	if (core_config_load(&core_cfg, opt.config_file, errbuf, sizeof(errbuf))) {
		fprintf(stderr, "sems: %s\n", errbuf);
		return 1;
	}
	if (opt.debug_level >= 0)
		core_cfg.loglevel = (unsigned)opt.debug_level;
	if (opt.foreground) {
		core_cfg.daemonize = false;
		core_cfg.log_stderr = true;
	}
	if (stderr_closed && core_cfg.log_stderr)
		core_cfg.log_stderr = false;      /* no stderr: syslog instead */
	log_setup((int)core_cfg.loglevel, core_cfg.log_stderr);
	if (opt.pid_file && pid_file_check(opt.pid_file))
		return 1;         /* before daemon(): the error is still seen */

	/* fork before any thread exists */
	if (core_cfg.daemonize && daemon(0, 0)) {
		fprintf(stderr, "sems: cannot daemonize: %s\n", strerror(errno));
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	if (user_signals_setup())
		SEMS_WARN("SIGUSR1/SIGUSR2/SIGHUP will not reach the scripts");
	if (opt.pid_file && write_pid_file(opt.pid_file))
		return 1;
	if (libre_init()) {
		SEMS_ERROR("cannot initialise libre");
		return 1;
	}
	watched_fds_setup();
	fd_limit_init();

	int err = start_services();
	if (!err) {
		SEMS_INFO("sems %s ready: SIP on %s:%u, RTP %u-%u on %s", SEMS_VERSION,
			  core_cfg.sip_ip, core_cfg.sip_port, core_cfg.rtp_low_port,
			  core_cfg.rtp_high_port, core_cfg.media_ip);
		reload_allow(true);
		tmr_start(&idle_trim_tmr, IDLE_TRIM_MS, idle_trim, NULL);
		err = re_main(on_signal);
	}
	reload_allow(false);
	tmr_cancel(&idle_trim_tmr);
	tmr_cancel(&shutdown_tmr);
	stop_services();
	libre_close();
	if (opt.pid_file)
		remove_pid_file(opt.pid_file);
	SEMS_INFO("sems stopped");
	if (worker_pool_left_behind()) {
		/* handlers still run (worker_pool_stop): no exit handlers
		 * (libraries', the leak checker's) under their feet */
		fflush(NULL);
		_exit(err ? 1 : 0);
	}
	return err ? 1 : 0;
}
