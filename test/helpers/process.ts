// A program the e2e tests start from the project's root, with what it has printed so far.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

export interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

/** Starts `command` (the program and its first arguments) with `args` after them. */
export function startProgram(command: readonly string[], args: readonly string[]): Run {
  const child = spawn(command[0], [...command.slice(1), ...args], {
    cwd: resolve(__dirname, '..', '..'),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exit = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  return { child, stdout: () => out, stderr: () => err, exit };
}
