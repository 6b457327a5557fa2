// Import a roadmap file as a new draft: the server checks it and lists every problem.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { ApiError, call, client } from '../../api.ts';
import { ErrorMessage } from '../common.tsx';
import { readYaml } from './yaml-file.ts';

export function ImportYaml() {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const load = useMutation({
    mutationFn: async (file: File) => {
      const body = await readYaml(file);
      return call(() => client.POST('/api/v1/roadmaps', { body }));
    },
    onSuccess: (created) => {
      void queryClient.invalidateQueries({ queryKey: ['authored'] });
      navigate(`/author/${created.slug}`);
    },
  });
  const problems = load.error instanceof ApiError ? (load.error.problem.errors ?? []) : [];
  return (
    <div className="panel">
      <h2>Import a roadmap file</h2>
      <div className="field">
        <label htmlFor="import-yaml">YAML file (the format of content/roadmaps)</label>
        <input
          id="import-yaml"
          type="file"
          accept=".yaml,.yml,application/yaml,text/yaml"
          disabled={load.isPending}
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) load.mutate(file);
            e.target.value = '';
          }}
        />
        <p className="hint">It becomes a new draft; nothing is published until you say so.</p>
      </div>
      <ErrorMessage error={load.error} />
      {problems.length > 0 ? (
        <ul className="error-list" aria-label="Problems in the file">
          {problems.map((p) => (
            <li key={`${p.path}${p.message}`}>
              {p.path.replace(/^\/body/, '') || '(the file)'}: {p.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
