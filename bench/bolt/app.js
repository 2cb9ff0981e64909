// The Slack Bolt baseline for bench/run.sh: the least a Bolt app does for /backup (verify the
// signature, parse, ack) with processBeforeResponse, as on a FaaS or behind a strict proxy.
// Usage: SLACK_SIGNING_SECRET=... node app.js <port>
'use strict';
const { App, HTTPReceiver, LogLevel } = require('@slack/bolt');

const signingSecret = process.env.SLACK_SIGNING_SECRET;
if (!signingSecret) {
  console.error('SLACK_SIGNING_SECRET is required');
  process.exit(2);
}

const receiver = new HTTPReceiver({
  signingSecret,
  processBeforeResponse: true,
  endpoints: '/slack/commands',
});

const app = new App({
  receiver,
  // A fixed authorization instead of a token: with a token Bolt calls Slack's auth.test (at start-up
  // and again before the first event), and the bench talks to nothing but loopback.
  authorize: async () => ({ botToken: 'xoxb-bench-token', botId: 'B0123BENCH', botUserId: 'U0123BENCH' }),
  logLevel: (process.env.BOLT_LOG_LEVEL || LogLevel.ERROR),
});

app.command('/backup', async ({ ack }) => {
  await ack();
});

(async () => {
  const port = Number(process.argv[2] || 3000);
  await app.start(port);
  console.log(`ready http://127.0.0.1:${port}`);
})();
