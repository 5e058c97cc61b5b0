import journal from './meta/_journal.json';
import m0000 from './0000_initial.sql';
import m0001 from './0001_credential_status.sql';
import m0002 from './0002_credential_changed_by_code.sql';
import m0003 from './0003_pending_email_attempts.sql';
import m0004 from './0004_refresh_grace.sql';
import m0005 from './0005_password_failures.sql';
import m0006 from './0006_code_generations.sql';

  export default {
    journal,
    migrations: {
      m0000,
m0001,
m0002,
m0003,
m0004,
m0005,
m0006
    }
  }
  