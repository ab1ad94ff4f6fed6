/**
 * .ci/run's exit status is CI's verdict. Its phase report runs as an EXIT trap, and a trap's last
 * command decides the status of a script that ran to its end: a green run once exited 1 because the
 * report's last test was false. This runs the script's own prologue (everything before its first
 * phase) with a passing and a failing body.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './../support/bookings-samples';

const script = readFileSync(join(ROOT, '.ci/run'), 'utf8');
const prologue = script.slice(0, script.indexOf('begin "machine packages"'));

function run(body: string): { status: number | null; stdout: string } {
  const result = spawnSync('bash', ['-c', `${prologue}\n${body}`], { encoding: 'utf8', cwd: ROOT });
  return { status: result.status, stdout: result.stdout };
}

describe('.ci/run', () => {
  it('exits 0 after a run whose phases all passed, and still prints the phase times', () => {
    const { status, stdout } = run('begin "one"\ntrue\nend\nphase_name=""');
    expect(stdout).toContain('.ci/run phase times:');
    expect(stdout).not.toContain('failed during');
    expect(status).toBe(0);
  });

  it('exits with the failing status and names the phase it failed in', () => {
    const { status, stdout } = run('begin "one"\nend\nbegin "two"\n(exit 3)\nend');
    expect(stdout).toContain('(failed during: two)');
    expect(status).toBe(3);
  });
});
