// A page that throws while drawing shows an error page (heading, what happened, a way back)
// instead of a blank screen; moving to another page clears it.
import { Component, type ReactNode } from 'react';
import { PageError } from './PageError.tsx';

export class ErrorBoundary extends Component<{ resetKey: string; children: ReactNode }, { error: unknown }> {
  override state: { error: unknown } = { error: null };

  static getDerivedStateFromError(error: unknown) {
    return { error };
  }

  override componentDidUpdate(previous: { resetKey: string }) {
    if (previous.resetKey !== this.props.resetKey && this.state.error) this.setState({ error: null });
  }

  override render() {
    if (this.state.error)
      return <PageError error={this.state.error} retry={() => this.setState({ error: null })} />;
    return this.props.children;
  }
}
