// The editor's lists: layers with their steps, milestones, comparison tables and questions, each
// an item list driven by its field table, with the same add, move and remove controls.
import { fieldId, Fields, Group, Item, Mover, type FieldSpec } from './fields.tsx';
import { move, newLayer, newStep, removeAt, replaceAt, type Layer } from './model.ts';
import { layerFields, stepFields } from './specs.ts';

interface ListProps<T> {
  items: T[];
  onChange: (items: T[]) => void;
  /** The list's JSON pointer in the document, e.g. `/milestones`. */
  path: string;
  specs: FieldSpec<T>[];
  legend: (item: T, index: number) => string;
  itemKey?: (item: T, index: number) => string | number;
  /** With a name, each item gets ↑ ↓ Remove; without, a plain remove button with `removeText`. */
  moverLabel?: (item: T, index: number) => string;
  removeText?: string;
  addText: string;
  create: () => T;
}

export function ItemList<T>(props: ListProps<T>) {
  const { items, onChange, path } = props;
  return (
    <>
      {items.map((item, i) => {
        const set = (next: T) => onChange(replaceAt(items, i, next));
        const label = props.moverLabel?.(item, i);
        return (
          <Item
            key={props.itemKey?.(item, i) ?? i}
            id={fieldId(`${path}/${i}`)}
            legend={props.legend(item, i)}
          >
            <Fields specs={props.specs} value={item} path={`${path}/${i}`} onChange={set} />
            {label ? (
              <Mover
                label={label}
                onUp={() => onChange(move(items, i, -1))}
                onDown={() => onChange(move(items, i, 1))}
                onRemove={() => onChange(removeAt(items, i))}
              />
            ) : (
              <button
                type="button"
                className="button secondary small"
                onClick={() => onChange(removeAt(items, i))}
              >
                {props.removeText}
              </button>
            )}
          </Item>
        );
      })}
      <button type="button" className="button secondary" onClick={() => onChange([...items, props.create()])}>
        {props.addText}
      </button>
    </>
  );
}

/** Every layer, each a group with its fields, its place in the order and its steps. */
export function LayersEditor({ layers, onChange }: { layers: Layer[]; onChange: (layers: Layer[]) => void }) {
  return (
    <>
      {layers.map((layer, li) => {
        const set = (next: Layer) => onChange(replaceAt(layers, li, next));
        return (
          <Group key={li} id={fieldId(`/layers/${li}`)} title={`Layer ${li + 1}: ${layer.title}`}>
            <Fields specs={layerFields} value={layer} path={`/layers/${li}`} onChange={set} />
            <Mover
              label={`layer ${layer.title}`}
              onUp={() => onChange(move(layers, li, -1))}
              onDown={() => onChange(move(layers, li, 1))}
              onRemove={() => onChange(removeAt(layers, li))}
            />
            <ItemList
              items={layer.steps}
              onChange={(steps) => set({ ...layer, steps })}
              path={`/layers/${li}/steps`}
              specs={stepFields}
              legend={(s) => `Step: ${s.title} (${s.required ? 'required' : 'optional'})`}
              itemKey={(s) => s.id}
              moverLabel={(s) => `step ${s.title}`}
              addText={`Add a step to ${layer.title}`}
              create={() => newStep()}
            />
          </Group>
        );
      })}
      <button
        type="button"
        className="button secondary"
        onClick={() => onChange([...layers, newLayer(layers.length)])}
      >
        Add a layer
      </button>
    </>
  );
}
