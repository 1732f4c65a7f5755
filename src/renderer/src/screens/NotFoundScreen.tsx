import { Button } from '@mantine/core';
import { Link } from 'react-router';
import { Empty } from '../components/feedback';

export function NotFoundScreen() {
  return (
    <Empty
      title="No such screen"
      description="The link points to a page the console does not have."
      action={
        <Button component={Link} to="/">
          Go to the overview
        </Button>
      }
    />
  );
}
