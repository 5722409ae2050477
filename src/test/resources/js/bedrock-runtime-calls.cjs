// Calls Quarry's Bedrock Runtime surface with the AWS SDK for JavaScript v3 at its defaults (its
// HTTP/2 handler for event streams included): ConverseStream ROUNDS times, then Converse once,
// printing one JSON line per call for JavaScriptSdkTest to judge.
// Arguments: endpoint accessKeyId secretAccessKey rounds text
const { BedrockRuntimeClient, ConverseCommand, ConverseStreamCommand } = require('@aws-sdk/client-bedrock-runtime');

const [endpoint, accessKeyId, secretAccessKey, rounds, said] = process.argv.slice(2);
const client = new BedrockRuntimeClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId, secretAccessKey } });
const messages = [{ role: 'user', content: [{ text: said }] }];

async function main() {
  for (let round = 0; round < Number(rounds); round++) {
    const answer = await client.send(new ConverseStreamCommand({ modelId: 'quarry/echo', messages }));
    const events = [];
    let text = '';
    for await (const event of answer.stream) {
      const type = Object.keys(event)[0];
      if (events[events.length - 1] !== type) events.push(type);
      if (event.contentBlockDelta) text += event.contentBlockDelta.delta.text ?? '';
    }
    console.log(JSON.stringify({ call: 'ConverseStream', events, text }));
  }
  const answer = await client.send(new ConverseCommand({ modelId: 'quarry/echo', messages }));
  console.log(JSON.stringify({ call: 'Converse', stopReason: answer.stopReason, text: answer.output.message.content[0].text }));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
