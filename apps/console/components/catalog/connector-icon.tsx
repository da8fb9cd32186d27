// A connector's icon. The SVG text comes from the connector; shown as an image (data URL), so
// scripts or links inside it never run.
export function ConnectorIcon({ icon, name, large }: { icon: string | null; name: string; large?: boolean }) {
  const className = `icon${large ? ' large' : ''}`;
  if (!icon) {
    return (
      <span className={`${className} placeholder`} aria-hidden="true">
        {name.charAt(0).toUpperCase()}
      </span>
    );
  }
  return <img className={className} src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(icon)}`} alt="" aria-hidden="true" />;
}
