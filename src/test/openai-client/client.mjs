// Drives Scriptorium's /v1 audio API with OpenAI's own SDK and prints what came back as one JSON line.
// Usage: node client.mjs SCENARIO BASE_URL FILE [API_KEY]
//   SCENARIO: transcribe:FORMAT, words, translate, models, model:NAME, prompt:TEXT, stream, idempotent:KEY
import fs from "node:fs";
import OpenAI from "openai";

const [scenario, baseURL, file, apiKey] = process.argv.slice(2);
const client = new OpenAI({baseURL, apiKey: apiKey || "sk-none", maxRetries: 0, timeout: 600_000});

async function transcribe(params) {
  const {data, response} = await client.audio.transcriptions
      .create({file: fs.createReadStream(file), model: "whisper-1", ...params})
      .withResponse();
  return {data, contentType: response.headers.get("content-type"), jobId: response.headers.get("scriptorium-job-id")};
}

async function run() {
  const [kind, argument] = scenario.split(":");
  switch (kind) {
    case "transcribe":
      return transcribe({response_format: argument, language: "en"});
    case "words":
      return transcribe({response_format: "verbose_json", timestamp_granularities: ["word", "segment"]});
    case "model":
      return transcribe({model: argument});
    case "stream": {
      const stream = await client.audio.transcriptions.create({file: fs.createReadStream(file), model: "whisper-1",
        stream: true});
      for await (const event of stream) { /* drained */ }
      return {data: "streamed"};
    }
    case "idempotent": {
      // The same request twice with one Idempotency-Key, as a retry after a lost answer would send it.
      const headers = {"Idempotency-Key": argument};
      const first = await client.audio.transcriptions
          .create({file: fs.createReadStream(file), model: "whisper-1"}, {headers}).withResponse();
      const again = await client.audio.transcriptions
          .create({file: fs.createReadStream(file), model: "whisper-1"}, {headers}).withResponse();
      return {data: again.data, jobId: first.response.headers.get("scriptorium-job-id"),
        againJobId: again.response.headers.get("scriptorium-job-id")};
    }
    case "prompt":
      return transcribe({prompt: argument, temperature: 0});
    case "translate": {
      const {data, response} = await client.audio.translations
          .create({file: fs.createReadStream(file), model: "whisper-1", response_format: "verbose_json"})
          .withResponse();
      return {data, contentType: response.headers.get("content-type")};
    }
    case "models":
      return {data: (await client.models.list()).data};
    default:
      throw new Error("unknown scenario " + scenario);
  }
}

try {
  console.log(JSON.stringify({ok: true, ...(await run())}));
} catch (error) {
  console.log(JSON.stringify({ok: false, errorClass: error.constructor.name, status: error.status ?? null,
    message: error.message, error: error.error ?? null}));
}
