/* rtp_stats.c: what GET /calls shows of a call's RTP stream. */
#include <stdio.h>
#include "media/codec.h"
#include "media/rtp_stream.h"
#include "media/rtp_stream_internal.h"

void rtp_stream_stats(struct rtp_stream *rs, struct rtp_stream_stats *st)
{
	const struct codec *c;

	*st = (struct rtp_stream_stats){ 0 };
	if (!rs)
		return;
	st->rx = metric_get(&rs->counters.rx);
	st->tx = metric_get(&rs->counters.tx);
	st->lost = metric_get(&rs->counters.lost);
	st->local_port = rs->port;
	pthread_mutex_lock(&rs->lock);
	c = rs->codec;
	pthread_mutex_unlock(&rs->lock);
	if (c)
		snprintf(st->codec, sizeof(st->codec), "%s/%u", c->name,
			 c->clock_rate);
}
