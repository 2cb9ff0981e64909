// Parses every *.json Adaptive Card in a folder with the official renderer library and fails on
// any parse or validation event. Usage: node check.js <folder>
'use strict';
const fs = require('fs');
const path = require('path');
const AC = require('adaptivecards/dist/adaptivecards.min.js');

const folder = process.argv[2];
if (!folder) {
  console.error('usage: node check.js <folder-with-card-json-files>');
  process.exit(2);
}

// Teams renders bot cards up to 1.5 (PROTOCOLS §7).
const targetVersion = AC.Versions.v1_5;
const files = fs.readdirSync(folder).filter((f) => f.endsWith('.json')).sort();
if (files.length === 0) {
  console.error(`no .json files in ${folder}`);
  process.exit(2);
}

let failures = 0;
for (const file of files) {
  const problems = [];
  let json;
  try {
    json = JSON.parse(fs.readFileSync(path.join(folder, file), 'utf8'));
  } catch (e) {
    problems.push(`not JSON: ${e.message}`);
  }

  if (json) {
    const context = new AC.SerializationContext(targetVersion);
    const card = new AC.AdaptiveCard();
    try {
      card.parse(json, context);
    } catch (e) {
      problems.push(`parse threw: ${e.message}`);
    }

    for (let i = 0; i < context.eventCount; i++) {
      const event = context.getEventAt(i);
      problems.push(`parse: ${AC.ValidationEvent[event.event] || event.event}: ${event.message}`);
    }

    const results = card.validateProperties();
    for (const event of results.validationEvents) {
      problems.push(`validate: ${AC.ValidationEvent[event.event] || event.event}: ${event.message}`);
    }
  }

  if (problems.length > 0) {
    failures++;
    console.log(`FAIL ${file}`);
    for (const problem of problems) {
      console.log(`  ${problem}`);
    }
  } else {
    console.log(`ok   ${file}`);
  }
}

console.log(`adaptivecards-check: ${files.length - failures} cards valid, ${failures} invalid`);
process.exit(failures === 0 ? 0 : 1);
