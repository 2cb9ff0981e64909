// The Bot Framework baseline for bench/run.sh: a botbuilder bot in anonymous mode (no app id or
// password, so inbound requests carry no JWT and outbound calls no token) that answers every
// message with an Adaptive Card, sent to the activity's serviceUrl (the bench's recording connector).
// Usage: node bot.js <port>
'use strict';
const express = require('express');
const {
  ActivityHandler,
  CardFactory,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  MessageFactory,
} = require('botbuilder');

// Empty MicrosoftAppId: botbuilder treats authentication as disabled and accepts unsigned requests.
const auth = new ConfigurationBotFrameworkAuthentication({ MicrosoftAppId: '', MicrosoftAppPassword: '' });
const adapter = new CloudAdapter(auth);
adapter.onTurnError = async (context, error) => {
  console.error(`turn error: ${error}`);
};

class BenchBot extends ActivityHandler {
  constructor() {
    super();
    this.onMessage(async (context, next) => {
      const card = CardFactory.adaptiveCard({
        type: 'AdaptiveCard',
        $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
        version: '1.5',
        body: [
          { type: 'TextBlock', text: 'ChatBackup', weight: 'Bolder', size: 'Medium' },
          { type: 'TextBlock', text: `You said: ${context.activity.text}`, wrap: true },
        ],
      });
      await context.sendActivity(MessageFactory.attachment(card));
      await next();
    });
  }
}

const bot = new BenchBot();
const server = express();
server.use(express.json());
server.post('/api/messages', (req, res) => adapter.process(req, res, (context) => bot.run(context)));

const port = Number(process.argv[2] || 3978);
server.listen(port, '127.0.0.1', () => console.log(`ready http://127.0.0.1:${port}`));
