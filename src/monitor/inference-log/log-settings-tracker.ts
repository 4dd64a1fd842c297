/**
 * @module monitor/inference-log/log-settings-tracker
 * Keeps, for the inference sink, each served deployment's log settings and its served version's
 * feature names, so that `settingsOf` is a map lookup on the request path. It learns them where
 * serving learns them: the model loader is wrapped, and every load (a new deployment, a new
 * version, changed settings) records the deployment's settings and reads the version's feature
 * schema before the model is loaded — so a tightened PII setting applies no later than the model
 * switch that comes with it.
 */
import type { Deployment } from '../../deploy/deployment-service.js';
import type { ServedModelLoader } from '../../serve/model-manager.js';
import type { ModelVersion } from '../../registry/registry-types.js';
import type { LogSettings } from './flatten-record.js';
import { featureNamesOf } from './log-columns.js';

export class LogSettingsTracker {
  readonly #settings = new Map<string, Deployment['settings']>();
  readonly #features = new Map<string, Readonly<Record<string, readonly string[]>>>();
  // deployment → version → settings: looked up on every request, so without building a key.
  readonly #cache = new Map<string, Map<number, LogSettings | undefined>>();

  /** Records what a deployment's settings are and what its version's feature schema names. */
  track(deployment: Deployment, version: Pick<ModelVersion, 'version' | 'featureSchema'>): void {
    this.#settings.set(deployment.name, deployment.settings);
    this.#features.set(`${deployment.name}@${version.version}`, featureNamesOf(version.featureSchema));
    this.#cache.delete(deployment.name);
  }

  /** The log settings of a deployment serving `version`, or undefined when it is not logged. */
  settingsOf(deployment: string, version: number): LogSettings | undefined {
    let versions = this.#cache.get(deployment);
    if (versions?.has(version)) return versions.get(version);
    const key = `${deployment}@${version}`;
    const s = this.#settings.get(deployment);
    const value: LogSettings | undefined = s?.logInputs
      ? Object.freeze({
          logInputs: true,
          pii: [...(s.pii ?? [])],
          piiMode: s.piiMode ?? 'hash',
          subjectKey: s.subjectKey ?? null,
          featureNames: this.#features.get(key) ?? {},
        })
      : undefined;
    if (versions === undefined) {
      versions = new Map();
      this.#cache.set(deployment, versions);
    }
    versions.set(version, value);
    return value;
  }

  /** The loader, recording each deployment and version it is asked to load first. */
  wrap(load: ServedModelLoader): ServedModelLoader {
    return async (deployment, version, registry) => {
      const model = deployment.model.slice(0, deployment.model.indexOf('@'));
      this.track(deployment, await registry.getVersion(model, version));
      return load(deployment, version, registry);
    };
  }
}
